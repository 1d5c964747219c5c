package changes

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"

	gomysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
)

// myDecoder names a binary log row's columns and turns its values into
// what the go-sql-driver/mysql driver gives for them.
//
// A table map event tells the column types, and with
// binlog_row_metadata=FULL also the names, ENUM and SET labels and
// signedness. What it does not tell is read from information_schema, at
// the first row of each table and again after any DDL: without FULL
// metadata, rows logged before an ALTER TABLE are read with the
// table's current columns, and a row whose column count no longer
// matches stops the stream with what to change.
type myDecoder struct {
	db      *sql.DB
	tables  map[Table]bool
	layouts map[uint64]*myLayout // by table id
	schema  map[Table][]isColumn // information_schema, until the next DDL
}

type myLayout struct {
	types []byte // the table map's column types it was built for
	meta  []uint16
	cols  []myColumn
}

type myColumn struct {
	name string
	kind byte // colPlain, colEnum, colSet, colBit
	// unsigned: the table map has no signedness, and the column is
	// unsigned: its value was decoded as signed and is read back.
	unsigned bool
	labels   []string // ENUM or SET labels
	width    int      // BIT: bytes
}

const (
	colPlain = iota
	colEnum
	colSet
	colBit
	colLatin1 // text in latin1 (cp1252), which the driver's session reads as UTF-8
)

func latin1(charset string) bool { return strings.EqualFold(charset, "latin1") }

// isColumn is a column as information_schema.COLUMNS describes it.
type isColumn struct{ name, dataType, columnType, charset string }

func newMyDecoder(db *sql.DB, tables map[Table]bool) *myDecoder {
	return &myDecoder{db: db, tables: tables, layouts: map[uint64]*myLayout{}, schema: map[Table][]isColumn{}}
}

// forget drops what was learnt of the tables' columns, after DDL.
func (d *myDecoder) forget() {
	clear(d.layouts)
	clear(d.schema)
}

// layout is how to read rows of t under table map tm.
func (d *myDecoder) layout(t Table, tm *replication.TableMapEvent) (*myLayout, error) {
	if l := d.layouts[tm.TableID]; l != nil && bytes.Equal(l.types, tm.ColumnType) && equalMeta(l.meta, tm.ColumnMeta) {
		return l, nil
	}
	n := int(tm.ColumnCount)
	names := tm.ColumnNameString()
	enums, sets := tm.EnumStrValueMap(), tm.SetStrValueMap()
	signed := len(tm.SignednessBitmap) > 0
	needSchema := len(names) != n
	for i := 0; i < n && !needSchema; i++ {
		needSchema = tm.IsEnumColumn(i) && enums[i] == nil || tm.IsSetColumn(i) && sets[i] == nil || !signed && tm.IsNumericColumn(i)
	}
	// information_schema also tells the character sets of text columns;
	// when the binary log names the columns, a table altered since is no
	// error: its text is then taken as UTF-8.
	is, err := d.columns(t, n)
	if err != nil && needSchema {
		return nil, err
	}
	l := &myLayout{types: bytes.Clone(tm.ColumnType), meta: append([]uint16(nil), tm.ColumnMeta...), cols: make([]myColumn, n)}
	for i := range l.cols {
		c := &l.cols[i]
		if len(names) == n {
			c.name = names[i]
		} else {
			c.name = is[i].name
		}
		if len(is) == n && latin1(is[i].charset) && tm.IsCharacterColumn(i) && !tm.IsEnumOrSetColumn(i) {
			c.kind = colLatin1
		}
		switch {
		case tm.IsEnumColumn(i):
			c.kind, c.labels = colEnum, enums[i]
			if c.labels == nil {
				c.labels = parseLabels(is[i].columnType)
			}
		case tm.IsSetColumn(i):
			c.kind, c.labels = colSet, sets[i]
			if c.labels == nil {
				c.labels = parseLabels(is[i].columnType)
			}
		case tm.ColumnType[i] == gomysql.MYSQL_TYPE_BIT:
			m := tm.ColumnMeta[i]
			c.kind, c.width = colBit, (int(m>>8)*8+int(m&0xFF)+7)/8
		case !signed && tm.IsNumericColumn(i):
			c.unsigned = strings.Contains(strings.ToLower(is[i].columnType), "unsigned")
		}
	}
	d.layouts[tm.TableID] = l
	return l, nil
}

func equalMeta(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// columns reads t's columns from information_schema, again when the
// cached ones are not n: the table may have changed since.
func (d *myDecoder) columns(t Table, n int) ([]isColumn, error) {
	if cols, ok := d.schema[t]; ok && len(cols) == n {
		return cols, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rows, err := d.db.QueryContext(ctx, `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, COALESCE(CHARACTER_SET_NAME, '') FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, t.Schema, t.Name)
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", t, classifyMySQL(err))
	}
	defer rows.Close()
	var cols []isColumn
	for rows.Next() {
		var c isColumn
		if err := rows.Scan(&c.name, &c.dataType, &c.columnType, &c.charset); err != nil {
			return nil, fmt.Errorf("reading the columns of %s: %w", t, err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", t, err)
	}
	d.schema[t] = cols
	if len(cols) != n {
		return nil, &PermanentError{Err: fmt.Errorf("rows of %s in the binary log have %d columns, but the table now has %d: it was altered after they were written, "+
			"and without binlog_row_metadata=FULL the binary log does not name its columns. Set binlog_row_metadata=FULL (MySQL 8.0.1+, MariaDB 10.5+) "+
			"so that this cannot recur, and start again from the current position", t, n, len(cols))}
	}
	return cols, nil
}

// parseLabels reads the labels of enum('a','b”c') or set(...).
func parseLabels(columnType string) []string {
	s := columnType
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[i+1:]
	}
	var out []string
	for {
		i := strings.IndexByte(s, '\'')
		if i < 0 {
			return out
		}
		s = s[i+1:]
		var b strings.Builder
		for len(s) > 0 {
			if s[0] == '\'' {
				if len(s) > 1 && s[1] == '\'' {
					b.WriteByte('\'')
					s = s[2:]
					continue
				}
				s = s[1:]
				break
			}
			if s[0] == '\\' && len(s) > 1 {
				b.WriteByte(s[1])
				s = s[2:]
				continue
			}
			b.WriteByte(s[0])
			s = s[1:]
		}
		out = append(out, b.String())
	}
}

// row decodes one row image; columns the image left out (a binlog_row_image
// other than FULL) are missing from the map and named in missing.
func (l *myLayout) row(tm *replication.TableMapEvent, vals []any, skipped []int) (row map[string]any, missing []string) {
	row = make(map[string]any, len(l.cols))
	for _, i := range skipped {
		if i < len(l.cols) {
			missing = append(missing, l.cols[i].name)
		}
	}
	for i, c := range l.cols {
		if i >= len(vals) || containsInt(skipped, i) {
			continue
		}
		v := vals[i]
		if jd, ok := v.(*replication.JsonDiff); ok && jd != nil { // a partial JSON update
			missing = append(missing, c.name)
			continue
		}
		row[c.name] = c.value(tm.ColumnType[i], v)
	}
	return row, missing
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// value converts a value as go-mysql decodes it into the one the driver
// gives for the column (see the MySQL type's doc).
func (c *myColumn) value(tp byte, v any) any {
	if v == nil {
		return nil
	}
	switch c.kind {
	case colEnum:
		if i, ok := v.(int64); ok {
			if i >= 1 && int(i) <= len(c.labels) {
				return []byte(c.labels[i-1])
			}
			return []byte{} // an invalid value, stored as index 0: ''
		}
	case colSet:
		if bits, ok := v.(int64); ok {
			var parts []string
			for i, l := range c.labels {
				if bits&(1<<i) != 0 {
					parts = append(parts, l)
				}
			}
			return []byte(strings.Join(parts, ","))
		}
	case colBit:
		if x, ok := v.(int64); ok {
			out := make([]byte, c.width)
			for i := c.width - 1; i >= 0; i-- {
				out[i] = byte(x)
				x >>= 8
			}
			return out
		}
	}
	if c.kind == colLatin1 {
		var b []byte
		switch x := v.(type) {
		case string:
			b = []byte(x)
		case []byte:
			b = x
		}
		if b != nil {
			if out, err := charmap.Windows1252.NewDecoder().Bytes(b); err == nil {
				return out
			}
		}
	}
	if c.unsigned {
		switch x := v.(type) {
		case int8:
			v = uint8(x)
		case int16:
			v = uint16(x)
		case int32:
			if tp == gomysql.MYSQL_TYPE_INT24 {
				v = uint32(x) & 0xFFFFFF
			} else {
				v = uint32(x)
			}
		case int64:
			v = uint64(x)
		}
	}
	switch x := v.(type) {
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		if x > math.MaxInt64 {
			return []byte(strconv.FormatUint(x, 10))
		}
		return int64(x)
	case float32, float64:
		return x
	case string:
		return []byte(x) // a copy: go-mysql's strings share the event's buffer
	case []byte:
		return bytes.Clone(x)
	}
	return []byte(fmt.Sprint(v))
}
