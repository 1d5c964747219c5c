package sqlgen

// EnumName writes the GraphQL name of the enum value that x writes as the
// database stores it: CASE x WHEN 'PG-13' THEN 'PG_13' ... ELSE x END,
// one branch per renamed value (schema.Enum.Renamed), both texts bound as
// arguments (they come from the catalog, which may hold any character).
// Values stored as their names, and text the enum does not know, pass as
// they are. x must write text: a dialect casts where its enum type would
// otherwise decide the branches' type.
func (b *Builder) EnumName(renamed [][2]string, x func()) {
	b.Raw("CASE ")
	x()
	for _, r := range renamed {
		b.Raw(" WHEN ")
		b.Arg(r[1])
		b.Raw(" THEN ")
		b.Arg(r[0])
	}
	b.Raw(" ELSE ")
	x()
	b.Raw(" END")
}
