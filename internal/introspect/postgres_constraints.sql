-- Primary keys, unique constraints and foreign keys, with their columns in
-- key order; plus unique indexes on plain columns (no expression, no
-- predicate), which identify rows as well as a constraint does.
SELECT n.nspname,
       c.relname,
       con.conname,
       con.contype::text,
       array_to_json(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord)::text[])::text AS cols,
       COALESCE(fn.nspname, '') AS ref_schema,
       COALESCE(fc.relname, '') AS ref_table,
       array_to_json(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord)::text[])::text AS ref_cols
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE n.nspname = ANY ($1::text[])
  AND con.contype IN ('p', 'u', 'f')
  AND NOT c.relispartition
  AND con.conparentid = 0
UNION ALL
SELECT n.nspname,
       c.relname,
       ic.relname,
       'i',
       array_to_json(ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             ORDER BY k.ord)::text[])::text,
       '', '', '[]'
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[])
  AND i.indisunique AND NOT i.indisprimary
  AND i.indexprs IS NULL AND i.indpred IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint x WHERE x.conindid = i.indexrelid)
  AND NOT c.relispartition
  AND 0 <> ALL (i.indkey::int2[])
ORDER BY 1, 2, 4, 3
