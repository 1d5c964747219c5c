-- Every enum type in the database with its labels in declared order. Columns
-- may use an enum from a schema that was not asked for, so all are read.
SELECT n.nspname, t.typname, array_to_json(array_agg(e.enumlabel::text ORDER BY e.enumsortorder))::text
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
GROUP BY n.nspname, t.typname
ORDER BY n.nspname, t.typname
