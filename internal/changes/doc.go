// Package changes reads committed row changes from the database's own
// change stream, so that writes made outside Quarry (psql, batch jobs,
// other services) can reach subscribers.
//
// A source delivers each committed transaction whole, in commit order, as
// a slice of [Change] values with the transaction's [LSN]. A source
// acknowledges a transaction to the database only after the handler it
// was given returned nil for it, so whatever the handler had not taken
// when Quarry stopped or crashed is delivered again when it comes back:
// delivery is at least once, and the consumer drops what it has already
// seen by comparing LSNs (every change of a transaction carries the same
// LSN, and LSNs grow in commit order).
//
// # PostgreSQL
//
// [Postgres] uses logical decoding with the built-in pgoutput plugin
// (protocol version 1) through github.com/jackc/pglogrepl: a publication
// covering exactly the served tables and a durable logical replication
// slot, both named after the source (quarry_<name>). [Postgres.Setup]
// checks the server's settings first and reports each problem with what
// to change; [Postgres.Stream] reads from the slot; [Follow] reconnects
// with backoff after the connection is lost.
//
// Values are decoded as database/sql with the pgx stdlib driver gives
// them when a column is scanned into *any:
//
//	bool                               bool
//	int2, int4, int8                   int64
//	float4, float8                     float64
//	date, timestamp, timestamptz       time.Time (the same instant; 'infinity' is a string)
//	bytea                              []byte (the bytes, not \x text)
//	json, jsonb, xml                   []byte holding the text
//	numeric, uuid, text, arrays (text[] as "{a,b}"), enums, intervals, time, everything else
//	                                   string, the server's text form
//	domains                            as their base type
//
// A value PostgreSQL did not send because it is an unchanged TOASTed
// (large, stored out of line) column is not reported as null: its column
// is missing from Change.New and named in Change.Unchanged. With REPLICA
// IDENTITY FULL the old row carries it, and it is copied from there, so
// Unchanged stays empty.
//
// TRUNCATE is delivered as a Change with Op "truncate" and no values:
// PostgreSQL does not say which rows it removed.
package changes
