package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/pflag"

	"github.com/quarrydata/quarry/internal/server"
)

// exposureFlags decide what the server shows besides the API: on in the
// sandbox, where a developer explores, off in serve unless asked, since a
// production API need not describe itself to strangers.
type exposureFlags struct {
	graphiql      bool
	introspection bool
	corsOrigins   []string
	metricsAddr   string
	accessLog     bool
}

func addExposureFlags(fs *pflag.FlagSet, x *exposureFlags, dev bool) {
	fs.BoolVar(&x.graphiql, "graphiql", dev, "serve the GraphiQL IDE at /")
	fs.BoolVar(&x.introspection, "introspection", dev, "answer __schema and __type queries (__typename is always answered; the aws-amplify client does not need introspection)")
	fs.StringSliceVar(&x.corsOrigins, "cors-origins", nil, "origins browsers may call the API from, comma-separated (https://app.example.com); default: any, which is safe for an API authenticated by header, not cookie")
	where := "the API's port"
	if !dev {
		where = "nowhere"
	}
	fs.BoolVar(&x.accessLog, "access-log", false, "log one line per GraphQL request: request id, operation, outcome, errors, rows read, duration")
	fs.StringVar(&x.metricsAddr, "metrics-addr", "", "address to serve Prometheus /metrics on, apart from the API (127.0.0.1:9090); default: "+where)
}

// configure applies the limits and exposure settings to srv.
func (f *serveFlags) configure(srv *server.Server) {
	f.limits.applyServer(srv)
	srv.GraphiQL = f.exposure.graphiql
	srv.CORSOrigins = f.exposure.corsOrigins
	srv.AccessLog = f.exposure.accessLog
	srv.MetricsOnMain = f.dev && f.exposure.metricsAddr == ""
	f.telemetry.attach(srv)
}

// serveMetrics serves /metrics on --metrics-addr until ctx ends.
func (e *env) serveMetrics(ctx context.Context, srv *server.Server, addr string) error {
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on --metrics-addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", srv.MetricsHandler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = hs.Close()
	}()
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.log.Error("metrics server stopped", "error", err.Error())
		}
	}()
	e.log.Info("serving metrics", "metrics", "http://"+ln.Addr().String()+"/metrics")
	return nil
}
