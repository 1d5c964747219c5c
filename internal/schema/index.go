package schema

import "strings"

// Index is a secondary index of a model (@index on its partition field, or
// .secondaryIndexes() in resource.ts): a query field that lists the rows
// with one value of Field, ordered by SortKeys and then the primary key,
// with a key condition on the sort keys, as AppSync serves a DynamoDB
// global secondary index. Quarry answers it with SQL; the database's own
// index on (Field, SortKeys...) is what makes it fast.
type Index struct {
	// Name is the index's name: the client names a composite sort key's
	// condition input after it (Model<T><Name>CompositeKeyConditionInput).
	Name string
	// Field is the partition key field; SortKeys the sort key fields, in
	// order.
	Field    string
	SortKeys []string
	// QueryField is the root query field; "" means none (queryField: null).
	QueryField string
}

// Fields returns the partition field followed by the sort key fields, as
// the model introspection's key attribute lists them.
func (x *Index) Fields() []string {
	return append([]string{x.Field}, x.SortKeys...)
}

// DefaultIndexName is the name the reference gives an index that has none
// (generateKeyAndQueryNameForConfig in the index transformer, and
// generateDefaultIndexName in amplify-codegen): the model's plural with a
// lower-case first letter, "By", and the key fields upper-cased, joined
// with "And": Event, venueId, [date] → "eventsByVenueIdAndDate". With
// automatic query names on (Gen 2's default) it is also the query field of
// an @index that names none.
func DefaultIndexName(model string, fields []string) string {
	p := Plural(model)
	if p != "" {
		p = strings.ToLower(p[:1]) + p[1:]
	}
	up := make([]string, len(fields))
	for i, f := range fields {
		up[i] = UpperFirst(f)
	}
	return p + "By" + strings.Join(up, "And")
}

// Index returns the index whose query field is name, or nil.
func (m *Model) Index(queryField string) *Index {
	for _, x := range m.Indexes {
		if x.QueryField != "" && x.QueryField == queryField {
			return x
		}
	}
	return nil
}
