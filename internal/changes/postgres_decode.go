package changes

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// pgDecoder turns pgoutput's tuples (text format) into the Go values
// database/sql with the pgx stdlib driver gives for the same columns.
type pgDecoder struct {
	types   *pgtype.Map
	domains map[uint32]uint32 // domain type → its base type
	rels    map[uint32]*pgRelation
}

type pgRelation struct {
	schema, table string
	cols          []pgColumn
}

type pgColumn struct {
	name string
	// key: the column is part of the replica identity (all columns under
	// REPLICA IDENTITY FULL).
	key    bool
	decode func([]byte) (any, error)
}

func newDecoder(domains map[uint32]uint32) *pgDecoder {
	return &pgDecoder{types: pgtype.NewMap(), domains: domains, rels: map[uint32]*pgRelation{}}
}

// readDomains maps each domain type to its base type: a result column of
// a domain type arrives at database/sql as its base type, while pgoutput
// names the domain. It runs on the replication connection before the
// stream starts, so a domain created later decodes as text.
func readDomains(ctx context.Context, conn *pgconn.PgConn) (map[uint32]uint32, error) {
	res, err := conn.Exec(ctx, "SELECT oid, typbasetype FROM pg_catalog.pg_type WHERE typtype = 'd'").ReadAll()
	if err != nil {
		return nil, fmt.Errorf("reading the database's domain types: %w", classify(err))
	}
	out := map[uint32]uint32{}
	for _, r := range res {
		for _, row := range r.Rows {
			d, err1 := strconv.ParseUint(string(row[0]), 10, 32)
			b, err2 := strconv.ParseUint(string(row[1]), 10, 32)
			if err1 == nil && err2 == nil {
				out[uint32(d)] = uint32(b)
			}
		}
	}
	return out, nil
}

// relation records a table's columns; pgoutput sends it before the
// table's first change on a connection and again when it changed.
func (d *pgDecoder) relation(m *pglogrepl.RelationMessage) {
	rel := &pgRelation{schema: m.Namespace, table: m.RelationName, cols: make([]pgColumn, len(m.Columns))}
	for i, c := range m.Columns {
		oid := c.DataType
		for n := 0; n < 16; n++ { // a domain over a domain, but never a cycle
			base, ok := d.domains[oid]
			if !ok {
				break
			}
			oid = base
		}
		rel.cols[i] = pgColumn{name: c.Name, key: c.Flags&1 != 0, decode: valueDecoder(d.types, oid)}
	}
	d.rels[m.RelationID] = rel
}

func (d *pgDecoder) rel(id uint32) (*pgRelation, error) {
	rel, ok := d.rels[id]
	if !ok {
		return nil, fmt.Errorf("a change to relation %d arrived before its description", id)
	}
	return rel, nil
}

// tuple decodes a row; keysOnly keeps only the replica identity's columns
// (pgoutput sends the others of a key tuple as nulls). Unchanged TOASTed
// values are left out of the map and named in unchanged.
func (d *pgDecoder) tuple(rel *pgRelation, t *pglogrepl.TupleData, keysOnly bool) (vals map[string]any, unchanged []string, err error) {
	if len(t.Columns) != len(rel.cols) {
		return nil, nil, fmt.Errorf("%s.%s: a row of %d columns for a table of %d", rel.schema, rel.table, len(t.Columns), len(rel.cols))
	}
	vals = make(map[string]any, len(rel.cols))
	for i, c := range t.Columns {
		col := rel.cols[i]
		if keysOnly && !col.key {
			continue
		}
		switch c.DataType {
		case pglogrepl.TupleDataTypeNull:
			vals[col.name] = nil
		case pglogrepl.TupleDataTypeToast:
			unchanged = append(unchanged, col.name)
		case pglogrepl.TupleDataTypeText:
			v, err := col.decode(c.Data)
			if err != nil {
				return nil, nil, fmt.Errorf("%s.%s: column %s: %w", rel.schema, rel.table, col.name, err)
			}
			vals[col.name] = v
		default:
			return nil, nil, fmt.Errorf("%s.%s: column %s arrived in format %q, not text", rel.schema, rel.table, col.name, c.DataType)
		}
	}
	return vals, unchanged, nil
}

func (d *pgDecoder) insert(m *pglogrepl.InsertMessage) ([]Change, error) {
	rel, err := d.rel(m.RelationID)
	if err != nil {
		return nil, err
	}
	row, _, err := d.tuple(rel, m.Tuple, false)
	if err != nil {
		return nil, err
	}
	return []Change{{Schema: rel.schema, Table: rel.table, Op: OpCreate, New: row}}, nil
}

func (d *pgDecoder) update(m *pglogrepl.UpdateMessage) ([]Change, error) {
	rel, err := d.rel(m.RelationID)
	if err != nil {
		return nil, err
	}
	c := Change{Schema: rel.schema, Table: rel.table, Op: OpUpdate}
	if c.New, c.Unchanged, err = d.tuple(rel, m.NewTuple, false); err != nil {
		return nil, err
	}
	switch m.OldTupleType {
	case pglogrepl.UpdateMessageTupleTypeOld: // REPLICA IDENTITY FULL: the whole old row
		if c.Old, _, err = d.tuple(rel, m.OldTuple, false); err != nil {
			return nil, err
		}
	case pglogrepl.UpdateMessageTupleTypeKey: // the key changed: its old value
		c.OldKeysOnly = true
		if c.Old, _, err = d.tuple(rel, m.OldTuple, true); err != nil {
			return nil, err
		}
	default: // the key did not change: the new row holds it
		c.OldKeysOnly = true
		c.Old = map[string]any{}
		for _, col := range rel.cols {
			if v, ok := c.New[col.name]; ok && col.key {
				c.Old[col.name] = v
			}
		}
	}
	// An unchanged value the old row holds is the new value too.
	if !c.OldKeysOnly && len(c.Unchanged) > 0 {
		var still []string
		for _, name := range c.Unchanged {
			if v, ok := c.Old[name]; ok {
				c.New[name] = v
			} else {
				still = append(still, name)
			}
		}
		c.Unchanged = still
	}
	return []Change{c}, nil
}

func (d *pgDecoder) delete(m *pglogrepl.DeleteMessage) ([]Change, error) {
	rel, err := d.rel(m.RelationID)
	if err != nil {
		return nil, err
	}
	c := Change{Schema: rel.schema, Table: rel.table, Op: OpDelete,
		OldKeysOnly: m.OldTupleType != pglogrepl.DeleteMessageTupleTypeOld}
	if c.Old, _, err = d.tuple(rel, m.OldTuple, c.OldKeysOnly); err != nil {
		return nil, err
	}
	return []Change{c}, nil
}

func (d *pgDecoder) truncate(m *pglogrepl.TruncateMessage) ([]Change, error) {
	out := make([]Change, 0, len(m.RelationIDs))
	for _, id := range m.RelationIDs {
		rel, err := d.rel(id)
		if err != nil {
			return nil, err
		}
		out = append(out, Change{Schema: rel.schema, Table: rel.table, Op: OpTruncate})
	}
	return out, nil
}

// valueDecoder decodes a column's text as pgx's stdlib driver does for a
// result column of that type (its Rows.Next): the same Go types reach
// the code that formats query results.
func valueDecoder(m *pgtype.Map, oid uint32) func([]byte) (any, error) {
	switch oid {
	case pgtype.BoolOID:
		return scanAs(m, oid, func(v bool) (any, error) { return v, nil })
	case pgtype.ByteaOID, pgtype.JSONOID, pgtype.JSONBOID, pgtype.XMLOID:
		return scanAs(m, oid, func(v []byte) (any, error) { return v, nil })
	case pgtype.CIDOID, pgtype.OIDOID, pgtype.XIDOID:
		return scanAs(m, oid, func(v pgtype.Uint32) (any, error) { return v.Value() })
	case pgtype.DateOID:
		return scanAs(m, oid, func(v pgtype.Date) (any, error) { return v.Value() })
	case pgtype.Float4OID:
		return scanAs(m, oid, func(v float32) (any, error) { return float64(v), nil })
	case pgtype.Float8OID:
		return scanAs(m, oid, func(v float64) (any, error) { return v, nil })
	case pgtype.Int2OID:
		return scanAs(m, oid, func(v int16) (any, error) { return int64(v), nil })
	case pgtype.Int4OID:
		return scanAs(m, oid, func(v int32) (any, error) { return int64(v), nil })
	case pgtype.Int8OID:
		return scanAs(m, oid, func(v int64) (any, error) { return v, nil })
	case pgtype.TimestampOID:
		return scanAs(m, oid, func(v pgtype.Timestamp) (any, error) { return v.Value() })
	case pgtype.TimestamptzOID:
		return scanAs(m, oid, func(v pgtype.Timestamptz) (any, error) { return v.Value() })
	}
	return scanAs(m, oid, func(v string) (any, error) { return v, nil })
}

// scanAs plans the scan of a text value of type oid into a T once; each
// call scans into a fresh T, so no value shares memory with another.
func scanAs[T any](m *pgtype.Map, oid uint32, conv func(T) (any, error)) func([]byte) (any, error) {
	var target T
	plan := m.PlanScan(oid, pgtype.TextFormatCode, &target)
	return func(src []byte) (any, error) {
		var v T
		if err := plan.Scan(src, &v); err != nil {
			return nil, err
		}
		return conv(v)
	}
}
