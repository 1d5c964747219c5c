package cli

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pubsub"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/server"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/mysql"
	"github.com/quarrydata/quarry/internal/sqlgen/postgres"
	"github.com/quarrydata/quarry/internal/sqlgen/sqlite"
)

// serveFlags configure sandbox and serve alike.
type serveFlags struct {
	host      string
	port      int
	dataDir   string
	pool      int
	queueWait time.Duration
	stmtTime  time.Duration
	reqTime   time.Duration
	debug     bool
	// broker is the URL of the NATS server that shares change events
	// between instances; empty means in process.
	broker string
	// brokerRetention, brokerRetentionMB, brokerOutbox and brokerOutboxMB
	// tune the NATS broker (pubsub.Options); zero means its defaults.
	brokerRetention   time.Duration
	brokerRetentionMB int
	brokerOutbox      int
	brokerOutboxMB    int
	// eventKey signs events shared through the broker: --token-secret in
	// serve, a key kept in the project's sandbox store in the sandbox.
	eventKey []byte
	// managedSecret names the secret holding the URI of the database for
	// managed models; empty means .quarry/managed.db (SQLite).
	managedSecret string
	// observeSQL, when set, sees every statement the engine's executor
	// sends (exec.Executor.Observe). No flag sets it: tests use it to
	// count the statements one request costs.
	observeSQL func(sql string)
	// publish receives the change events of every engine built.
	publish func(ctx context.Context, ev pubsub.Event)
	// events is the broker publish hands events to (connectEvents);
	// changes says where events come from (changes.go).
	events  pubsub.Broker
	changes changesFlags
	// limits bound what clients and requests may cost.
	limits limitFlags
	// exposure says what is served besides the API; dev is set for the
	// sandbox and demo.
	exposure exposureFlags
	dev      bool
	// telemetry is tracing (--otlp-endpoint) and the statement metrics.
	telemetry telemetryFlags
}

func (e *env) addServeFlags(cmd *cobra.Command, f *serveFlags, defaultHost string) {
	cmd.Flags().StringVar(&f.host, "host", defaultHost, "address to listen on")
	cmd.Flags().IntVar(&f.port, "port", 4000, "port to listen on")
	cmd.Flags().StringVar(&f.dataDir, "data", "amplify/data", "folder holding schema.sql.graphql and your resource.graphql")
	cmd.Flags().IntVar(&f.pool, "pool", 16, "database connections used at once; requests beyond it queue")
	cmd.Flags().DurationVar(&f.queueWait, "queue-wait", 5*time.Second, "how long a request waits for a connection before failing with \"database busy\"")
	cmd.Flags().DurationVar(&f.stmtTime, "statement-timeout", 10*time.Second, "longest a statement may run")
	cmd.Flags().DurationVar(&f.reqTime, "request-timeout", 30*time.Second, "longest a whole request may take, all its root fields together")
	cmd.Flags().StringVar(&f.managedSecret, "managed-uri-secret", "", "secret holding the URI of a PostgreSQL or MySQL database for managed models (models that are not tables of your database); default: .quarry/managed.db, SQLite")
	cmd.Flags().StringVar(&f.broker, "broker", "", "NATS server (nats://host:4222) through which several instances share change events for subscriptions; default: in process")
	cmd.Flags().DurationVar(&f.brokerRetention, "broker-retention", pubsub.DefaultRetentionAge, "with --broker: how long the JetStream stream keeps change events; an instance cut off from NATS for longer tells its subscribers to subscribe again")
	cmd.Flags().IntVar(&f.brokerRetentionMB, "broker-retention-mb", pubsub.DefaultRetentionBytes>>20, "with --broker: most megabytes of change events the JetStream stream keeps (oldest dropped first)")
	cmd.Flags().IntVar(&f.brokerOutbox, "broker-outbox", pubsub.DefaultOutboxSize, "with --broker: change events an instance holds while NATS is unreachable; beyond it they are lost and subscribers are told to subscribe again")
	cmd.Flags().IntVar(&f.brokerOutboxMB, "broker-outbox-mb", pubsub.DefaultOutboxBytes>>20, "with --broker: most megabytes of change events an instance holds while NATS is unreachable (rows can be large)")
	cmd.Flags().BoolVar(&f.debug, "debug", os.Getenv("DEBUG_MODE") == "true", "show database errors to clients (default from DEBUG_MODE=true); the log always has them")
	addLimitFlags(cmd.Flags(), &f.limits)
	addTelemetryFlags(cmd.Flags(), &f.telemetry)
	addChangesFlags(cmd.Flags(), &f.changes)
}

// built is one ready-to-serve API and what it holds open.
type built struct {
	engine *pipeline.Engine
	db     *connect.DB
	schema *schema.Schema
	// managed is Quarry's own database of managed models, when there are.
	managed *connect.DB
}

func (b *built) close() {
	b.db.Close()
	if b.managed != nil {
		b.managed.Close()
	}
}

// build loads the schema files, connects, checks the schema against the
// database and builds the engine. It does not touch the running server:
// the caller swaps the result in only when everything succeeded.
func (e *env) build(ctx context.Context, f *serveFlags, tokens *plan.Tokens) (*built, error) {
	s, err := loadSchemaFrom(ctx, f.dataDir, servedFrom(f.dev))
	if err != nil {
		return nil, err
	}
	if s.Database.ConnectionURISecret == "" {
		return nil, fmt.Errorf("%s has no generated schema (extend schema @database(...)): run `quarry generate schema-from-database --out %s/schema.sql.graphql` first", f.dataDir, f.dataDir)
	}
	src := &sourceFlags{uriSecret: s.Database.ConnectionURISecret, certSecret: s.Database.SSLCertSecret, timeout: defaultConnectTimeout}
	db, err := e.open(ctx, src, false)
	if err != nil {
		return nil, err
	}
	b := &built{db: db, schema: s}
	fail := func(err error) (*built, error) {
		b.close()
		return nil, err
	}
	var tables, managedModels []*schema.Model
	for _, m := range s.Models {
		if m.Managed {
			managedModels = append(managedModels, m)
		} else {
			tables = append(tables, m)
		}
	}
	// The indexes (one more catalog query) are for indexWarnings, which
	// runs only where the database can estimate a table's size.
	cat, err := introspect.Read(ctx, db.SQL, db.Engine, introspect.Options{Database: db.Config.Database, Schemas: schemasOf(s), Indexes: db.Explains()})
	if err != nil {
		return fail(err)
	}
	// The enums go along: Bind recovers their values' stored text.
	if err := schema.Bind(&schema.Schema{Models: tables, Enums: s.Enums}, cat); err != nil {
		return fail(err)
	}
	if len(managedModels) > 0 {
		if b.managed, err = e.openManaged(ctx, f, managedModels); err != nil {
			return fail(err)
		}
	}
	if err := crossSourceRelationships(s); err != nil {
		return fail(err)
	}
	a, err := api.Build(s)
	if err != nil {
		return fail(err)
	}
	compiler, err := compilerFor(db)
	if err != nil {
		return fail(err)
	}
	warnings, err := checkCustomSQL(ctx, db, compiler, s)
	if err != nil {
		return fail(err)
	}
	for _, w := range append(warnings, indexWarnings(ctx, db, compiler, s, cat)...) {
		e.log.Warn(w)
	}
	x := exec.New(db.SQL, e.execOptions(f))
	x.Observe = f.observeSQL
	eng := &pipeline.Engine{
		API: a,
		Planner: &plan.Builder{API: a, Tokens: tokens, Policy: authz.New(s),
			Now:    func() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") },
			NewID:  func() string { return uuid.NewString() },
			Limits: f.limits.plan},
		Compiler: compiler,
		Exec:     x,
		Log:      e.log,
		Debug:    f.debug,
		Publish:  f.publish,
		Limits:   f.limits.doc,
		// Off unless --introspection (on by default in the sandbox).
		NoIntrospection: !f.exposure.introspection,
	}
	if b.managed != nil {
		mc, err := compilerFor(b.managed)
		if err != nil {
			return fail(err)
		}
		mx := exec.New(b.managed.SQL, e.execOptions(f))
		mx.Observe = f.observeSQL
		eng.Managed = &pipeline.Backend{Compiler: mc, Exec: mx}
	}
	b.engine = eng
	if err := e.instrument(ctx, f, b); err != nil {
		return fail(err)
	}
	return b, nil
}

// compilerFor is the one place that picks a SQL dialect.
func compilerFor(db *connect.DB) (sqlgen.Compiler, error) {
	switch db.Engine {
	case connect.Postgres:
		return postgres.Compiler{}, nil
	case connect.MySQL:
		return mysql.Compiler{Flavor: db.Flavor}, nil
	case connect.SQLite:
		return sqlite.Compiler{}, nil
	}
	return nil, fmt.Errorf("no SQL compiler for engine %q", db.Engine)
}

// schemasOf lists the PostgreSQL schemas a schema's models live in, the
// default one first.
func schemasOf(s *schema.Schema) []string {
	out := []string{"public"}
	for _, m := range s.Models {
		if m.Table.Schema != "" && !slices.Contains(out, m.Table.Schema) {
			out = append(out, m.Table.Schema)
		}
	}
	return out
}

func (e *env) serveCommand() *cobra.Command {
	var f serveFlags
	var keysSecret, tokenSecret, tlsCert, tlsKey string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API in production: configuration from flags, secrets from the environment",
		Long: `Serve the GraphQL API for the schema in --data (schema.sql.graphql plus your
resource.graphql, or resource.ts with schema.sql.ts). resource.ts is read from
resource.built.graphql, which quarry build writes, so serve needs no Node; a
build older than the TypeScript beside it is refused. Without a build,
resource.ts is evaluated at start (Node and the project's node_modules needed).
Secrets are read by the same names as in the sandbox, from environment
variables or files in --secrets-dir. API keys (when the API
accepts them) come from the secret named by --api-keys-secret: comma-separated
keys, each optionally followed by :<expiry as RFC 3339>; token issuers and the
custom authorizer come from the schema's authorization modes. Subscriptions are
served at /graphql/realtime and over graphql-transport-ws at /graphql; the
aws-amplify client needs wss://, so give --tls-cert/--tls-key or put a TLS proxy
in front. serve never watches files and never issues tokens.

Every flag can also be set by an environment variable QUARRY_<FLAG>
(--max-body 2097152 is QUARRY_MAX_BODY=2097152), or a key of the config file
(--config, default ./quarry.yaml when present: max-body: 2097152); the command
line wins over the environment, which wins over the file. The
limits (--max-*, --body-timeout, --ws-*) and pool settings (--pool*) are
described in the README's "Running in production".`,
		Example: `  SQL_CONNECTION_STRING=postgres://app:pw@db:5432/shop API_KEYS=da2-abc \
    quarry serve --port 8080 --host 0.0.0.0
  quarry serve --secrets-dir /run/secrets --api-keys-secret QUARRY_API_KEYS`,
		Args: exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			e.production = true
			var tokenKey []byte
			if tokenSecret != "" {
				v, err := e.secret(tokenSecret)
				if err != nil {
					return err
				}
				if len(v) < 16 {
					return fmt.Errorf("secret %s is too short to sign page tokens: use at least 16 random characters", tokenSecret)
				}
				e.redact.Add(v)
				tokenKey = []byte(v)
			} else {
				tokenKey = randomBytes(32)
			}
			if tokenSecret != "" {
				f.eventKey = tokenKey
			}
			b, err := e.build(ctx, &f, plan.NewTokens(tokenKey))
			if err != nil {
				return err
			}
			defer b.close()
			// API keys are read only when the API accepts them: an API
			// for signed-in users needs no key secret.
			var keys []auth.APIKey
			if acceptedModes(b.schema, nil, nil).apiKey {
				raw, err := e.secret(keysSecret)
				if err != nil {
					return fmt.Errorf("API keys: %w", err)
				}
				if keys, err = parseKeys(raw); err != nil {
					return err
				}
				for _, k := range keys {
					e.redact.Add(k.Value)
				}
			}
			acc := acceptedModes(b.schema, keys, nil)
			authn, err := auth.New(acc.cfg)
			if err != nil {
				return err
			}
			e.warn(acc)
			e.warnPoolSize(ctx, b.db, f.pool)
			srv := server.New(b.engine, authn, e.log)
			srv.RequestTimeout = f.reqTime
			f.configure(srv)
			srv.Compress = compressFlag(cmd)
			srv.Ready = func(ctx context.Context) error { return b.db.SQL.PingContext(ctx) }
			closeBroker, err := e.connectEvents(ctx, &f, b, srv)
			if err != nil {
				return err
			}
			defer closeBroker()
			stopChanges, err := e.startChanges(ctx, &f, b, srv)
			if err != nil {
				return err
			}
			defer stopChanges()
			if tlsCert != "" || tlsKey != "" {
				cert, err := tls.LoadX509KeyPair(tlsCert, tlsKey)
				if err != nil {
					return fmt.Errorf("TLS certificate (--tls-cert %s, --tls-key %s): %w", tlsCert, tlsKey, err)
				}
				srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
			}
			return e.listenAndServe(ctx, srv, &f, nil)
		},
	}
	e.addServeFlags(cmd, &f, "0.0.0.0")
	addExposureFlags(cmd.Flags(), &f.exposure, false)
	addCompressFlag(cmd.Flags())
	cmd.Flags().StringVar(&keysSecret, "api-keys-secret", "API_KEYS", "secret holding the accepted API keys")
	cmd.Flags().StringVar(&tokenSecret, "token-secret", "", "secret whose value signs nextToken values; set it when several instances serve one API (default: random per process)")
	cmd.Flags().StringVar(&e.secretsDir, "secrets-dir", "", "directory with one file per secret (else environment variables)")
	cmd.Flags().StringVar(&tlsCert, "tls-cert", "", "PEM certificate (chain) to serve TLS on the same port as plain HTTP; the aws-amplify client needs wss:// for subscriptions unless a proxy terminates TLS")
	cmd.Flags().StringVar(&tlsKey, "tls-key", "", "PEM private key of --tls-cert")
	return cmd
}

// parseKeys reads "key[:RFC3339 expiry],..." as serve's API keys.
func parseKeys(raw string) ([]auth.APIKey, error) {
	var keys []auth.APIKey
	for _, part := range strings.Split(raw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k := auth.APIKey{ID: fmt.Sprintf("key%d", len(keys)+1), Value: part}
		if key, exp, ok := strings.Cut(part, ":"); ok {
			t, err := time.Parse(time.RFC3339, exp)
			if err != nil {
				return nil, fmt.Errorf("API key %s…: expiry %q is not an RFC 3339 time (2027-01-31T00:00:00Z)", key[:min(4, len(key))], exp)
			}
			k.Value, k.Expires = key, t
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no API key given: set the API keys secret to key[:expiry],... ")
	}
	return keys, nil
}

// listenAndServe serves until the command's context ends (Ctrl-C,
// SIGTERM), then drains requests in flight.
func (e *env) listenAndServe(ctx context.Context, srv *server.Server, f *serveFlags, ready func(url string)) error {
	defer f.telemetry.shutdown(e.log)
	addr := net.JoinHostPort(f.host, strconv.Itoa(f.port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another server using the port? choose one with --port)", addr, err)
	}
	if ready != nil {
		ready("http://" + ln.Addr().String() + "/graphql")
	}
	if err := e.serveMetrics(ctx, srv, f.exposure.metricsAddr); err != nil {
		ln.Close()
		return err
	}
	e.log.Info("serving", "graphql", "http://"+ln.Addr().String()+"/graphql")
	tuneGC(ctx, e.log)
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-ctx.Done():
			e.log.Info("stopping: draining requests in flight (at most 10s), closing subscriptions with 1001")
		case <-stopped:
		}
	}()
	err = srv.Serve(ctx, ln, 10*time.Second)
	if err == nil {
		e.log.Info("stopped")
	}
	return err
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// sandboxKey is the sandbox's API key, kept in the sandbox secret store so
// amplify_outputs.json stays valid across restarts until it expires.
type sandboxKey struct {
	Key     string    `json:"key"`
	Expires time.Time `json:"expires"`
}

const sandboxKeySecret = "QUARRY_SANDBOX_API_KEY"

// sandboxAPIKey returns the project's key, minting one (valid for days)
// when there is none or it expired.
func (e *env) sandboxAPIKey(days int) (sandboxKey, error) {
	store, err := e.sandboxStore()
	if err != nil {
		return sandboxKey{}, err
	}
	var k sandboxKey
	if raw, err := store.Get(sandboxKeySecret); err == nil && json.Unmarshal([]byte(raw), &k) == nil && time.Now().Before(k.Expires) {
		return k, nil
	}
	k = sandboxKey{Key: "da2-" + hex.EncodeToString(randomBytes(13)), Expires: time.Now().Add(time.Duration(days) * 24 * time.Hour).UTC().Truncate(time.Second)}
	raw, _ := json.Marshal(k)
	if err := store.Set(sandboxKeySecret, string(raw)); err != nil {
		return sandboxKey{}, err
	}
	return k, nil
}

// projectRoot is where amplify_outputs.json goes: the folder above
// amplify/data.
func projectRoot(dataDir string) string {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "."
	}
	if filepath.Base(abs) == "data" && filepath.Base(filepath.Dir(abs)) == "amplify" {
		return filepath.Dir(filepath.Dir(abs))
	}
	return filepath.Dir(abs)
}

// connectEvents joins the engine's change events to the server's
// subscriptions through the broker --broker names (in process by
// default), for this engine and every one built later with f.
func (e *env) connectEvents(ctx context.Context, f *serveFlags, b *built, srv *server.Server) (func(), error) {
	var broker pubsub.Broker = pubsub.NewLocal()
	if f.broker != "" {
		dctx, cancel := context.WithTimeout(ctx, defaultConnectTimeout)
		defer cancel()
		if len(f.eventKey) < 16 {
			return nil, errors.New("--broker needs a key the instances share to sign events: set --token-secret (serve) to the same secret of at least 16 characters on every instance")
		}
		// The URL may carry credentials (tls://user:password@host).
		e.redact.Add(f.broker)
		n, err := pubsub.DialNATS(dctx, f.broker, b.schema.Database.Identifier, f.eventKey, pubsub.Options{
			Log:            e.log,
			Metrics:        srv.Registerer(),
			RetentionAge:   f.brokerRetention,
			RetentionBytes: int64(f.brokerRetentionMB) << 20,
			OutboxSize:     f.brokerOutbox,
			OutboxBytes:    f.brokerOutboxMB << 20,
		})
		if err != nil {
			return nil, err
		}
		// /healthz reports the broker: an instance cut off from it still
		// serves queries and mutations ("degraded"), and its subscribers
		// get what they missed once it is back.
		if srv.Checks == nil {
			srv.Checks = map[string]func(context.Context) error{}
		}
		srv.Checks["broker"] = n.Check
		broker = n
	}
	// The hub paces the broker's catch-up after an outage (Room) and ends
	// subscriptions whose events were lost for good (Lost).
	unsubscribe, err := broker.Attach(srv.Realtime.Hub)
	if err != nil {
		_ = broker.Close()
		return nil, err
	}
	f.events = broker
	f.publish = func(ctx context.Context, ev pubsub.Event) {
		// A full outbox is logged by the broker, once per outage.
		if err := broker.Publish(ctx, ev); err != nil && !errors.Is(err, pubsub.ErrOutboxFull) {
			e.log.Warn("change event not published; subscribers miss it", "model", ev.Model, "op", ev.Op, "error", err.Error())
		}
	}
	b.engine.Publish = f.publish
	return func() {
		unsubscribe()
		_ = broker.Close()
	}, nil
}
