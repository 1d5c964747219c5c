// Package connect parses connection URIs and opens verified connection
// pools for PostgreSQL (pgx), MySQL/MariaDB (go-sql-driver/mysql) and
// SQLite (modernc.org/sqlite, no cgo). It is the one place that knows how
// each driver is configured.
//
// # TLS
//
// Every engine takes PostgreSQL's sslmode values, as ?sslmode= (MySQL also
// accepts ?tls=true|false|skip-verify|preferred):
//
//	disable      plain TCP
//	prefer       TLS if the server offers it, certificate not checked; else plain
//	require      TLS, certificate not checked (checked against the custom CA when one is given, as libpq does)
//	verify-ca    TLS, certificate chain must lead to a trusted CA
//	verify-full  TLS, trusted CA and the certificate must name the host
//
// The default is verify-full, except for loopback hosts (127.0.0.1, ::1,
// localhost), where it is prefer. Trusted CAs are the system's, or the PEM
// bundle (any size, several certificates allowed) from --ssl-cert-secret.
//
// # PgBouncer
//
// Behind PgBouncer in transaction mode, server-side prepared statements
// do not survive between transactions. ?pgbouncer=true on a PostgreSQL URI
// switches pgx to its exec mode: one round trip per statement with an
// unnamed statement, values still bound as parameters, no statement cache.
//
// # Errors
//
// Open returns *Error values that name the part at fault (scheme, uri,
// host, authentication, database, tls) and a fix. They never include the
// password, nor the driver's raw text where a driver might echo its DSN.
package connect
