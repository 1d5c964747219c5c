package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/realtime"
	"github.com/quarrydata/quarry/internal/server"
)

// limitFlags are the limits on what one client or one request may cost,
// and how the pool gives connections back. Every one is also read from
// QUARRY_<FLAG> and the config file (see loadConfig).
type limitFlags struct {
	doc     pipeline.Limits
	plan    plan.Limits
	maxBody int64
	bodyTO  time.Duration
	perAddr int

	wsSubs    int
	wsMessage int64
	wsConns   int

	poolMaxIdle     int
	poolIdleTimeout time.Duration
	poolLifetime    time.Duration
}

func addLimitFlags(fs *pflag.FlagSet, l *limitFlags) {
	fs.IntVar(&l.poolMaxIdle, "pool-max-idle", 0, "unused database connections kept open (default: --pool)")
	fs.DurationVar(&l.poolIdleTimeout, "pool-idle-timeout", 30*time.Second, "close a database connection unused this long, giving its slot back to the server")
	fs.DurationVar(&l.poolLifetime, "pool-max-lifetime", 30*time.Minute, "replace database connections this old (follows failovers and DNS changes)")

	fs.Int64Var(&l.maxBody, "max-body", server.DefaultMaxBody, "largest request body in bytes")
	fs.DurationVar(&l.bodyTO, "body-timeout", server.DefaultBodyTimeout, "longest a client may take to send a request body")
	fs.IntVar(&l.perAddr, "max-conns-per-addr", server.DefaultMaxConnsPerAddr, "connections (HTTP and WebSocket) one client address may hold open; -1: no limit")
	fs.IntVar(&l.wsSubs, "ws-max-subscriptions", realtime.DefaultMaxSubscriptions, "subscriptions one WebSocket may hold")
	fs.Int64Var(&l.wsMessage, "ws-max-message", realtime.DefaultMaxMessage, "largest WebSocket message a client may send, in bytes")
	fs.IntVar(&l.wsConns, "ws-max-connections", realtime.DefaultMaxConnections, "WebSockets the instance holds open in all")
	fs.IntVar(&l.doc.MaxTokens, "max-tokens", pipeline.DefaultMaxTokens, "GraphQL tokens in one document")
	fs.IntVar(&l.doc.MaxOperations, "max-operations", pipeline.DefaultMaxOperations, "operations in one document")
	fs.IntVar(&l.doc.MaxAliases, "max-aliases", pipeline.DefaultMaxAliases, "aliased fields in one document")
	fs.IntVar(&l.doc.MaxExpandedFields, "max-expanded-fields", pipeline.DefaultMaxExpandedFields, "fields a document selects once fragments are expanded where used")
	fs.IntVar(&l.doc.MaxResponseRows, "max-response-rows", pipeline.DefaultMaxResponseRows, "rows one request may read (lists at the root; nested rows count in bytes)")
	fs.IntVar(&l.doc.MaxResponseBytes, "max-response-bytes", pipeline.DefaultMaxResponseBytes, "bytes of JSON one request may read from the database")
	fs.IntVar(&l.plan.MaxRootFields, "max-root-fields", plan.DefaultMaxRootFields, "root fields in one operation, __typename included")
	fs.IntVar(&l.plan.MaxOutputs, "max-fields", plan.DefaultMaxOutputs, "fields one root field selects in all")
	fs.IntVar(&l.plan.MaxDepth, "max-depth", plan.DefaultMaxDepth, "relationships a selection nests")
	fs.IntVar(&l.plan.MaxLimit, "max-list-limit", plan.DefaultMaxLimit, "largest page (limit) a list may ask for; larger ones are refused")
}

// applyServer puts the connection and body limits on srv.
func (l *limitFlags) applyServer(srv *server.Server) {
	srv.MaxBody = l.maxBody
	srv.BodyTimeout = l.bodyTO
	srv.MaxConnsPerAddr = l.perAddr
	srv.Realtime.MaxSubscriptions = l.wsSubs
	srv.Realtime.MaxMessage = l.wsMessage
	srv.Realtime.MaxConnections = l.wsConns
}

// execOptions sizes a pool.
func (e *env) execOptions(f *serveFlags) exec.Options {
	return exec.Options{PoolSize: f.pool, QueueWait: f.queueWait, StatementTimeout: f.stmtTime,
		MaxIdle: f.limits.poolMaxIdle, IdleTimeout: f.limits.poolIdleTimeout, MaxLifetime: f.limits.poolLifetime,
		Log: e.log}
}

// warnPoolSize warns when the pool could take more connections than the
// server has for non-superusers: with several instances it is each
// instance's --pool that adds up.
func (e *env) warnPoolSize(ctx context.Context, db *connect.DB, pool int) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	avail, err := db.MaxConnections(ctx)
	if err != nil || avail <= 0 {
		return
	}
	if pool > avail {
		e.log.Warn(fmt.Sprintf("--pool %d is above the %d connections the database server allows (max_connections less reserved ones): requests will fail with \"too many connections\" under load; lower --pool, and with several instances keep the sum of their --pool below it", pool, avail))
	} else if pool > avail/2 {
		e.log.Info(fmt.Sprintf("--pool %d is over half the database server's %d connections: a second instance with the same --pool would exceed them", pool, avail))
	}
}
