// Package schema holds Quarry's IR: the models, fields, keys, enums and
// relationships that every later stage reads. FromCatalog builds it from a
// database catalog; the SDL and TypeScript front ends (later) merge the
// user's customisations into it. It does no I/O.
//
// # Type mapping
//
// Column types map to GraphQL scalars as the reference (Amplify Data on SQL)
// maps them, with deliberate improvements:
//
//	PostgreSQL (pg_type name, domains resolved to their base type)
//	  varchar char bpchar text name citext          String
//	  bool                                           Boolean
//	  int2 int4 int8 bit                             Int
//	  float4 float8 numeric money                    Float
//	  uuid                                           ID
//	  date                                           AWSDate
//	  timestamp timestamptz                          AWSDateTime (reference: timestamptz → String)
//	  time timetz                                    AWSTime     (reference: timetz → String)
//	  json jsonb point line lseg box path polygon circle  AWSJSON
//	  inet cidr                                      AWSIPAddress
//	  enum types                                     enum PascalCase(table_column)
//	  arrays                                         [T] ([T!] when NOT NULL)
//	  anything else (bytea, interval, xml, ...)      String
//
//	MySQL / MariaDB (DATA_TYPE)
//	  char varchar binary varbinary *text *blob      String
//	  bool boolean                                   Boolean
//	  bit tinyint smallint mediumint int bigint year Int
//	  float double decimal numeric real              Float
//	  date / datetime timestamp / time               AWSDate / AWSDateTime / AWSTime
//	  json (MariaDB: longtext with json_valid)       AWSJSON
//	  enum                                           enum PascalCase(table_column)
//	  set                                            [String] (reference: String)
//	  spatial types and anything else                String
//
//	SQLite (declared type: exact names, then SQLite's affinity rules)
//	  boolean bool / date / datetime timestamp / time / json / uuid
//	                                                 Boolean / AWSDate / AWSDateTime / AWSTime / AWSJSON / ID
//	  *INT*                                          Int
//	  *CHAR* *CLOB* *TEXT*, BLOB, no type            String
//	  *REAL* *FLOA* *DOUB* *NUM* *DEC*               Float
//
// Identity, serial and AUTO_INCREMENT columns, and SQLite INTEGER PRIMARY
// KEY, are database-generated on every engine (the reference detects only
// PostgreSQL serial). 64-bit integers are marked Int64 so the API can keep
// them exact.
package schema
