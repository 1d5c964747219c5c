package plan

import (
	"encoding/json"
	"fmt"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// OrderKey is one key of a list's order: a field and its direction.
type OrderKey struct {
	Field *schema.Field
	Desc  bool
}

// Keys returns the keys a list is ordered and paged by: Order (sortBy)
// followed by the primary key fields it leaves out, which make the order
// total so that a page can start after a row; they run in the direction
// of the last sortBy key, so that an index on (sort column, key) can serve
// the whole order. Without sortBy the order is the primary key, in Desc's
// direction. After holds one value per key, in this order.
func (s *Select) Keys() []OrderKey {
	desc := s.Desc
	if len(s.Order) > 0 {
		desc = s.Order[len(s.Order)-1].Desc
	}
	keys := make([]OrderKey, 0, len(s.Order)+len(s.Model.PrimaryKey))
	keys = append(keys, s.Order...)
	for _, k := range s.Model.PrimaryKey {
		f := s.Model.Field(k)
		if !orders(s.Order, f) {
			keys = append(keys, OrderKey{Field: f, Desc: desc})
		}
	}
	return keys
}

func orders(order []OrderKey, f *schema.Field) bool {
	for _, k := range order {
		if k.Field == f {
			return true
		}
	}
	return false
}

// sortBy reads a list's sortBy argument: each field once, one the caller
// may read (an order tells where a hidden value lies among the others),
// and no sortDirection beside it, which would say the direction twice.
// It also returns the order as the token fingerprint keeps it.
func (b *Builder) sortBy(m *schema.Model, arg any, args map[string]any, path string) ([]OrderKey, []string, error) {
	list, ok := arg.([]any)
	if arg == nil || ok && len(list) == 0 {
		return nil, nil, nil
	}
	if !ok {
		return nil, nil, qerr.New(qerr.Validation, path+".sortBy must be a list")
	}
	if d, ok := args["sortDirection"]; ok && d != nil {
		return nil, nil, qerr.New(qerr.Validation, path+": give either sortBy or sortDirection, not both: give the direction inside sortBy")
	}
	var order []OrderKey
	var print []string
	for i, item := range list {
		in, ok := item.(map[string]any)
		if !ok {
			return nil, nil, qerr.New(qerr.Validation, fmt.Sprintf("%s.sortBy[%d] must be an object", path, i))
		}
		name, _ := in["field"].(string)
		f := m.Field(name)
		if f == nil || !api.Sortable(f) {
			return nil, nil, qerr.New(qerr.Validation, fmt.Sprintf("%s.sortBy[%d]: %s cannot be sorted by %q", path, i, m.Name, name))
		}
		if orders(order, f) {
			return nil, nil, qerr.New(qerr.Validation, fmt.Sprintf("%s.sortBy[%d]: %s is already a sort key", path, i, name))
		}
		if !b.Policy.Field(m, f, b.id, authz.List).Visible() {
			return nil, nil, qerr.New(qerr.Forbidden, fmt.Sprintf("%s: you may not sort by %s.%s, which you may not read", path, m.Name, f.Name))
		}
		dir, _ := in["direction"].(string)
		if dir == "" {
			dir = "ASC"
		}
		if dir != "ASC" && dir != "DESC" {
			return nil, nil, qerr.New(qerr.Validation, fmt.Sprintf("%s.sortBy[%d].direction must be ASC or DESC", path, i))
		}
		order = append(order, OrderKey{Field: f, Desc: dir == "DESC"})
		print = append(print, f.Name+" "+dir)
	}
	return order, print, nil
}

// tokenBool reads a Boolean key of a token: MySQL and SQLite store
// booleans as integers and write them so in the key array, 1 and 0.
func tokenBool(f *schema.Field, v any) any {
	if n, ok := v.(json.Number); ok && f.Type == schema.Boolean && !f.IsList {
		return n.String() != "0"
	}
	return v
}
