package introspect

import (
	"context"
	"database/sql"
	_ "embed" // catalog queries
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
)

var (
	//go:embed mysql_tables.sql
	myTablesSQL string
	//go:embed mysql_columns.sql
	myColumnsSQL string
	//go:embed mysql_json_checks.sql
	myJSONChecksSQL string
	//go:embed mysql_keys.sql
	myKeysSQL string
	//go:embed mysql_foreign_keys.sql
	myForeignKeysSQL string
)

// readMySQL reads the database opts.Database of a MySQL or MariaDB server
// from information_schema: five queries on MySQL, six on MariaDB (which
// needs CHECK_CONSTRAINTS to recognise its JSON columns), however many
// tables there are.
//
// Tables have no Schema: a MySQL database is the schema, and it is
// Catalog.Database. A foreign key names RefSchema only when it points into
// another database.
func readMySQL(ctx context.Context, q Querier, opts Options) (*Catalog, error) {
	cat := &Catalog{Engine: EngineMySQL, Database: opts.Database}
	if err := q.QueryRowContext(ctx, "SELECT VERSION()").Scan(&cat.Version); err != nil {
		return nil, fmt.Errorf("introspect mysql version: %w", err)
	}
	srv := parseMySQLVersion(cat.Version)
	cat.Flavor = "mysql"
	if srv.mariaDB {
		cat.Flavor = "mariadb"
	}
	opts.progress(fmt.Sprintf("mysql: server %s (%s)", cat.Version, cat.Flavor))

	if err := readMySQLTables(ctx, q, opts, cat); err != nil {
		return nil, err
	}
	index := make(map[string]int, len(cat.Tables))
	for i, t := range cat.Tables {
		index[t.Name] = i
	}

	var jsonCols map[[2]string]bool
	if srv.mariaDB {
		var err error
		if jsonCols, err = readMariaDBJSONColumns(ctx, q, opts); err != nil {
			return nil, err
		}
	}
	if err := readMySQLColumns(ctx, q, opts, srv, cat, index, jsonCols); err != nil {
		return nil, err
	}
	if err := readMySQLKeys(ctx, q, opts, cat, index); err != nil {
		return nil, err
	}
	if err := readMySQLForeignKeys(ctx, q, opts, cat, index); err != nil {
		return nil, err
	}
	return cat, nil
}

func readMySQLTables(ctx context.Context, q Querier, opts Options, cat *Catalog) error {
	rows, err := q.QueryContext(ctx, myTablesSQL, opts.Database)
	if err != nil {
		return fmt.Errorf("introspect mysql tables: %w", err)
	}
	for rows.Next() {
		var t Table
		var typ string
		if err := rows.Scan(&t.Name, &typ, &t.Comment); err != nil {
			rows.Close()
			return fmt.Errorf("introspect mysql tables: %w", err)
		}
		t.Kind = KindTable
		if typ == "VIEW" {
			// A view cannot carry a comment: TABLE_COMMENT holds the word
			// "VIEW", or the error text of a view whose tables are gone.
			t.Kind, t.Comment = KindView, ""
		}
		cat.Tables = append(cat.Tables, t)
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("introspect mysql tables: %w", err)
	}
	// ORDER BY follows information_schema's case-insensitive collation; byte
	// order is the same on every server and keeps `Order` and `order` apart.
	sort.Slice(cat.Tables, func(i, j int) bool { return cat.Tables[i].Name < cat.Tables[j].Name })
	opts.progress(fmt.Sprintf("mysql: read %d tables and views in %s", len(cat.Tables), opts.Database))
	return nil
}

// erUnknownTable is the server's error for a missing information_schema
// table (ER_UNKNOWN_TABLE).
const erUnknownTable = 1109

// readMariaDBJSONColumns returns the {table, column} pairs that MariaDB
// declared as JSON.
func readMariaDBJSONColumns(ctx context.Context, q Querier, opts Options) (map[[2]string]bool, error) {
	rows, err := q.QueryContext(ctx, myJSONChecksSQL, opts.Database)
	if err != nil {
		// CHECK_CONSTRAINTS arrived in 10.2.22 and 10.3.10; the json_valid
		// check on JSON columns only in 10.4.3, so an older server has no
		// JSON column to find.
		var me *mysql.MySQLError
		if errors.As(err, &me) && me.Number == erUnknownTable {
			opts.progress("mysql: no CHECK_CONSTRAINTS on this server; JSON columns read as longtext")
			return nil, nil
		}
		return nil, fmt.Errorf("introspect mysql json checks: %w", err)
	}
	cols := map[[2]string]bool{}
	for rows.Next() {
		var table, clause string
		if err := rows.Scan(&table, &clause); err != nil {
			rows.Close()
			return nil, fmt.Errorf("introspect mysql json checks: %w", err)
		}
		if col, ok := jsonValidColumn(clause); ok {
			cols[[2]string{table, col}] = true
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("introspect mysql json checks: %w", err)
	}
	opts.progress(fmt.Sprintf("mysql: read %d JSON column checks", len(cols)))
	return cols, nil
}

// jsonValidColumn returns col when clause is exactly json_valid(`col`), the
// check MariaDB attaches to a JSON column. A check that tests more than that
// is a user's rule on a text column, not the JSON type.
func jsonValidColumn(clause string) (string, bool) {
	const prefix, suffix = "json_valid(`", "`)"
	if len(clause) < len(prefix)+len(suffix) || !strings.EqualFold(clause[:len(prefix)], prefix) ||
		!strings.HasSuffix(clause, suffix) {
		return "", false
	}
	quoted := clause[len(prefix) : len(clause)-len(suffix)]
	// Inside the backquotes a backquote is doubled; a lone one means the
	// clause goes on past the identifier.
	if strings.Count(quoted, "`") != 2*strings.Count(quoted, "``") {
		return "", false
	}
	return strings.ReplaceAll(quoted, "``", "`"), true
}

func readMySQLColumns(ctx context.Context, q Querier, opts Options, srv mysqlVersion, cat *Catalog, index map[string]int, jsonCols map[[2]string]bool) error {
	rows, err := q.QueryContext(ctx, myColumnsSQL, opts.Database)
	if err != nil {
		return fmt.Errorf("introspect mysql columns: %w", err)
	}
	ncols := 0
	for rows.Next() {
		var table, nullable, extra string
		var pos int
		var def sql.NullString
		var c Column
		if err := rows.Scan(&table, &c.Name, &pos, &c.DataType, &c.ColumnType, &nullable, &def, &extra, &c.Comment); err != nil {
			rows.Close()
			return fmt.Errorf("introspect mysql columns: %w", err)
		}
		i, ok := index[table]
		if !ok {
			continue // a sequence, or a table created since the table query
		}
		c.DataType = strings.ToLower(c.DataType)
		if c.DataType == "longtext" && jsonCols[[2]string{table, c.Name}] {
			c.DataType = "json"
		}
		c.Nullable = strings.EqualFold(nullable, "YES")
		c.AutoIncrement = strings.Contains(strings.ToLower(extra), "auto_increment")
		c.Generated = mysqlGenerated(extra)
		switch c.DataType {
		case "enum", "set":
			c.EnumValues = parseMySQLEnumValues(c.ColumnType)
		default:
			// Only outside enum/set: enum('unsigned') is not unsigned.
			c.Unsigned = strings.Contains(strings.ToLower(c.ColumnType), "unsigned")
		}
		// A view column's default is MariaDB's guess (0 for a NOT NULL
		// column that has no default at all); the base table holds the real
		// one. A generated column has an expression, not a default.
		if !c.Generated && cat.Tables[i].Kind != KindView {
			c.Default = mysqlDefault(srv, c.DataType, extra, def)
		}
		// Rows come in ORDINAL_POSITION order within each table (even if two
		// tables whose names differ only in case interleave), so appending
		// keeps column order.
		cat.Tables[i].Columns = append(cat.Tables[i].Columns, c)
		ncols++
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("introspect mysql columns: %w", err)
	}
	opts.progress(fmt.Sprintf("mysql: read %d columns", ncols))
	return nil
}

// mysqlGenerated reports whether EXTRA marks a computed column: "VIRTUAL
// GENERATED" or "STORED GENERATED" (MySQL 5.7+, MariaDB 10.2+), "VIRTUAL" or
// "PERSISTENT" (MariaDB 10.0-10.1). Matching whole words keeps MySQL 8's
// "DEFAULT_GENERATED" (an expression default) out.
func mysqlGenerated(extra string) bool {
	for _, w := range strings.Fields(strings.ToUpper(extra)) {
		switch w {
		case "VIRTUAL", "STORED", "PERSISTENT":
			return true
		}
	}
	return false
}

// mysqlDefault normalises COLUMN_DEFAULT to one spelling on every server:
// the default as an SQL expression, the way MariaDB 10.2.7+ prints it, since
// that is the only spelling that tells a literal from an expression:
//
//	'abc' 'it''s' 'back\\slash' '2020-01-01 00:00:00' ''   string, temporal and enum literals, quoted and escaped
//	0 1.50 b'101' 0x6869                                  numbers, bit and hex literals, bare
//	current_timestamp() rand()                            expressions, as the server prints them
//	nil                                                   no default, or DEFAULT NULL
//
// No default and DEFAULT NULL are one thing to a client. MariaDB reports
// DEFAULT NULL as the text NULL (a string 'NULL' comes quoted) and no
// default as SQL NULL. MySQL, and MariaDB before 10.2.7, print literals
// bare, so they are quoted here; MySQL 8 marks expression defaults
// DEFAULT_GENERATED in EXTRA (and prints CURRENT_TIMESTAMP, not
// current_timestamp()), MySQL 5.7 knows no expression but CURRENT_TIMESTAMP,
// and MySQL 8 prints binary literals in hex.
func mysqlDefault(srv mysqlVersion, dataType, extra string, def sql.NullString) *string {
	if !def.Valid {
		return nil
	}
	v := def.String
	if srv.mariaDB && srv.atLeast(10, 2, 7) {
		if v == "NULL" {
			return nil
		}
		return &v
	}
	switch {
	case strings.Contains(strings.ToUpper(extra), "DEFAULT_GENERATED"):
		// MySQL 8 escapes the quotes inside an expression default.
		v = strings.ReplaceAll(v, `\'`, `'`)
	case (dataType == "timestamp" || dataType == "datetime") && strings.HasPrefix(strings.ToUpper(v), "CURRENT_TIMESTAMP"):
	case dataType == "bit" && strings.HasPrefix(v, "b'"):
	case isMySQLNumeric(dataType):
	case isMySQLBinary(dataType) && strings.HasPrefix(v, "0x"):
	default:
		v = quoteMySQLString(v)
	}
	return &v
}

func isMySQLNumeric(dataType string) bool {
	switch dataType {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint",
		"decimal", "numeric", "float", "double", "real", "year":
		return true
	}
	return false
}

func isMySQLBinary(dataType string) bool {
	switch dataType {
	case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob":
		return true
	}
	return false
}

// quoteMySQLString quotes s as MariaDB quotes a default (and MySQL an enum
// value): quotes doubled; backslash, NUL, newline and carriage return
// backslash-escaped; everything else verbatim.
func quoteMySQLString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			b.WriteString("''")
		case '\\':
			b.WriteString(`\\`)
		case 0:
			b.WriteString(`\0`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// parseMySQLEnumValues returns the members of an enum('a','b') or
// set('x','y') column type. The server writes each member as an SQL string
// literal: a quote doubled, a backslash and some control characters
// backslash-escaped, commas and parentheses verbatim. It stops at the
// closing parenthesis, so MariaDB's trailing attributes do no harm.
func parseMySQLEnumValues(columnType string) []string {
	open := strings.IndexByte(columnType, '(')
	if open < 0 {
		return nil
	}
	s := columnType[open+1:]
	values := []string{}
	for i := 0; i < len(s); {
		switch s[i] {
		case ')':
			return values
		case ',', ' ':
			i++
			continue
		case '\'':
		default:
			return values // not a literal: give back what was read
		}
		var v strings.Builder
		i++
		for i < len(s) {
			c := s[i]
			if c == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					v.WriteByte('\'')
					i += 2
					continue
				}
				i++
				break
			}
			if c == '\\' && i+1 < len(s) {
				v.WriteString(unescapeMySQL(s[i+1]))
				i += 2
				continue
			}
			v.WriteByte(c)
			i++
		}
		values = append(values, v.String())
	}
	return values
}

// unescapeMySQL decodes the character after a backslash in an SQL string
// literal, as the server's lexer does.
func unescapeMySQL(c byte) string {
	switch c {
	case '0':
		return "\x00"
	case 'n':
		return "\n"
	case 'r':
		return "\r"
	case 't':
		return "\t"
	case 'b':
		return "\b"
	case 'Z':
		return "\x1a"
	}
	return string(c)
}

func readMySQLKeys(ctx context.Context, q Querier, opts Options, cat *Catalog, index map[string]int) error {
	rows, err := q.QueryContext(ctx, myKeysSQL, opts.Database)
	if err != nil {
		return fmt.Errorf("introspect mysql keys: %w", err)
	}
	type key struct {
		table int
		name  string
		cols  []string
		expr  bool
	}
	var keys []*key
	byName := map[[2]string]*key{}
	nparts := 0
	for rows.Next() {
		var table, name string
		var seq int
		var col sql.NullString
		if err := rows.Scan(&table, &name, &seq, &col); err != nil {
			rows.Close()
			return fmt.Errorf("introspect mysql keys: %w", err)
		}
		i, ok := index[table]
		if !ok {
			continue
		}
		k := byName[[2]string{table, name}]
		if k == nil {
			k = &key{table: i, name: name}
			byName[[2]string{table, name}] = k
			keys = append(keys, k)
		}
		if !col.Valid {
			k.expr = true
		}
		k.cols = append(k.cols, col.String)
		nparts++
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("introspect mysql keys: %w", err)
	}
	// Unique indexes in name order, like PostgreSQL's constraints; rows came
	// in the collation's order, which is not byte order.
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].name < keys[j].name })
	for _, k := range keys {
		t := &cat.Tables[k.table]
		switch {
		case k.name == "PRIMARY":
			t.PrimaryKey = k.cols
		case k.expr:
			// A MySQL 8 functional index is unique over an expression, which
			// identifies no column list.
		default:
			t.Uniques = appendUnique(t.Uniques, k.cols)
		}
	}
	opts.progress(fmt.Sprintf("mysql: read %d primary key and unique index columns", nparts))
	return nil
}

func readMySQLForeignKeys(ctx context.Context, q Querier, opts Options, cat *Catalog, index map[string]int) error {
	rows, err := q.QueryContext(ctx, myForeignKeysSQL, opts.Database, opts.Database)
	if err != nil {
		return fmt.Errorf("introspect mysql foreign keys: %w", err)
	}
	byName := map[[2]string]*ForeignKey{}
	var order []struct {
		table int
		name  string
	}
	for rows.Next() {
		var table, name, col, refSchema, refTable, refCol string
		var pos int
		if err := rows.Scan(&table, &name, &pos, &col, &refSchema, &refTable, &refCol); err != nil {
			rows.Close()
			return fmt.Errorf("introspect mysql foreign keys: %w", err)
		}
		i, ok := index[table]
		if !ok {
			continue
		}
		fk := byName[[2]string{table, name}]
		if fk == nil {
			fk = &ForeignKey{Name: name, RefTable: refTable}
			if refSchema != opts.Database {
				fk.RefSchema = refSchema
			}
			byName[[2]string{table, name}] = fk
			order = append(order, struct {
				table int
				name  string
			}{i, name})
		}
		fk.Columns = append(fk.Columns, col)
		fk.RefColumns = append(fk.RefColumns, refCol)
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("introspect mysql foreign keys: %w", err)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].name < order[j].name })
	for _, o := range order {
		t := &cat.Tables[o.table]
		t.ForeignKeys = append(t.ForeignKeys, *byName[[2]string{t.Name, o.name}])
	}
	opts.progress(fmt.Sprintf("mysql: read %d foreign keys", len(order)))
	return nil
}

// mysqlVersion is what the reader needs to know of VERSION().
type mysqlVersion struct {
	mariaDB bool
	parts   [3]int // major, minor, patch; zero where unreadable
}

// parseMySQLVersion reads "8.0.36", "8.4.0-log", "10.11.6-MariaDB-0+deb12u1"
// or the "5.5.5-10.11.6-MariaDB" some proxies pass on.
func parseMySQLVersion(v string) mysqlVersion {
	srv := mysqlVersion{mariaDB: strings.Contains(v, "MariaDB")}
	if srv.mariaDB {
		v = strings.TrimPrefix(v, "5.5.5-")
	}
	if end := strings.IndexFunc(v, func(r rune) bool { return r != '.' && (r < '0' || r > '9') }); end >= 0 {
		v = v[:end]
	}
	for i, p := range strings.SplitN(v, ".", 3) {
		srv.parts[i], _ = strconv.Atoi(p)
	}
	return srv
}

func (v mysqlVersion) atLeast(major, minor, patch int) bool {
	want := [3]int{major, minor, patch}
	for i := range want {
		if v.parts[i] != want[i] {
			return v.parts[i] > want[i]
		}
	}
	return true
}
