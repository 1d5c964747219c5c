package api

// Operator sets of the shared inputs, exactly as the Amplify model
// transformer defines them (definitions.ts; reference amplify-sql.md §5.3).
// A filter on a String field can use attributeExists, attributeType and
// size because the transformer emits them for SQL models too.
var (
	stringOps       = []string{"ne", "eq", "le", "lt", "ge", "gt", "contains", "notContains", "between", "beginsWith", "attributeExists", "attributeType", "size"}
	numberOps       = []string{"ne", "eq", "le", "lt", "ge", "gt", "between", "attributeExists", "attributeType"}
	booleanOps      = []string{"ne", "eq", "attributeExists", "attributeType"}
	sizeOps         = []string{"ne", "eq", "le", "lt", "ge", "gt", "between"}
	subStringOps    = []string{"ne", "eq", "le", "lt", "ge", "gt", "contains", "notContains", "between", "beginsWith", "in", "notIn"}
	subNumberOps    = []string{"ne", "eq", "le", "lt", "ge", "gt", "between", "in", "notIn"}
	subBooleanOps   = []string{"ne", "eq"}
	stringKeyOps    = []string{"eq", "le", "lt", "ge", "gt", "between", "beginsWith"}
	numberKeyOps    = []string{"eq", "le", "lt", "ge", "gt", "between"}
	compositeKeyOps = []string{"eq", "le", "lt", "ge", "gt", "between", "beginsWith"}
	// booleanKeyOps: the transformer refuses a Boolean sort key; a
	// database may have one, and the client then declares
	// ModelBooleanKeyConditionInput, so only equality is offered.
	booleanKeyOps = []string{"eq"}
)

// sharedInput is one input type that every model's filters share.
type sharedInput struct {
	name string
	base string // the scalar the operators compare with
	ops  []string
}

// sharedInputs lists the shared inputs in the order they are printed.
// Those no field uses are left out of the schema.
var sharedInputs = []sharedInput{
	{"ModelStringInput", "String", stringOps},
	{"ModelIDInput", "ID", stringOps},
	{"ModelIntInput", "Int", numberOps},
	{"ModelFloatInput", "Float", numberOps},
	{"ModelBooleanInput", "Boolean", booleanOps},
	{"ModelSizeInput", "Int", sizeOps},
	{"ModelSubscriptionStringInput", "String", subStringOps},
	{"ModelSubscriptionIDInput", "ID", subStringOps},
	{"ModelSubscriptionIntInput", "Int", subNumberOps},
	{"ModelSubscriptionFloatInput", "Float", subNumberOps},
	{"ModelSubscriptionBooleanInput", "Boolean", subBooleanOps},
	{"ModelStringKeyConditionInput", "String", stringKeyOps},
	{"ModelIDKeyConditionInput", "ID", stringKeyOps},
	{"ModelIntKeyConditionInput", "Int", numberKeyOps},
	{"ModelFloatKeyConditionInput", "Float", numberKeyOps},
	{"ModelBooleanKeyConditionInput", "Boolean", booleanKeyOps},
}

// Shared enums.
var (
	attributeTypes = []string{"binary", "binarySet", "bool", "list", "map", "number", "numberSet", "string", "stringSet", "_null"}
	sortDirections = []string{"ASC", "DESC"}
)

// operand is the type an operator takes when it compares with base: a
// list for the range and set operators, and the fixed types of the
// DynamoDB-style functions.
func operand(op, base string) string {
	switch op {
	case "between", "in", "notIn":
		return "[" + base + "]"
	case "attributeExists":
		return "Boolean"
	case "attributeType":
		return "ModelAttributeTypes"
	case "size":
		return "ModelSizeInput"
	}
	return base
}

// operatorFields returns the input fields for ops over base.
func operatorFields(ops []string, base string) []field {
	fs := make([]field, len(ops))
	for i, op := range ops {
		fs[i] = field{name: op, typ: operand(op, base)}
	}
	return fs
}

// filterInput names the input that filters (list filters and mutation
// conditions) use for a scalar or enum field.
func filterInput(typ string, isEnum, isList bool) string {
	switch {
	case isEnum && isList:
		return "Model" + typ + "ListInput"
	case isEnum:
		return "Model" + typ + "Input"
	}
	return "Model" + filterBase[typ] + "Input"
}

// subscriptionInput names the input a subscription filter uses for a
// field. Enums compare as strings there (the transformer maps them to
// String); so do lists of enums, for which the transformer names an input
// it never defines.
func subscriptionInput(typ string, isEnum bool) string {
	if isEnum {
		return "ModelSubscriptionStringInput"
	}
	return "ModelSubscription" + filterBase[typ] + "Input"
}

// keyConditionInput names the input for a single sort field's condition:
// enums compare as strings, as in the transformer and the client.
func keyConditionInput(typ string, isEnum bool) string {
	if isEnum {
		return "ModelStringKeyConditionInput"
	}
	return "Model" + filterBase[typ] + "KeyConditionInput"
}
