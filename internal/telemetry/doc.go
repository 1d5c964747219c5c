// Package telemetry measures the request path: Prometheus metrics of the
// statements each root field sends (Statements), and OpenTelemetry
// traces exported over OTLP/HTTP (Tracing): a server span per request,
// its parent taken from the W3C traceparent header, a child per pipeline
// stage (parse+validate, variables, plan, run), one per root field within
// run, and one per statement within that.
//
// Both plug into the hooks the request path offers (pipeline.Tracer,
// exec.Tracer, server.Server.Wrap), so the packages of the request path
// import neither Prometheus nor OpenTelemetry, and with tracing off they
// cost a nil check per stage.
//
// Spans carry what a statement is for (db.system, db.operation, the root
// field), never its bound values; the SQL text only when asked
// (Config.SQLText, set by --debug). Errors are recorded as their stable
// kind (qerr.Kind, the client's errorType), never as their message, which
// may quote a row.
package telemetry
