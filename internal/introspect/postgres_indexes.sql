-- Non-unique B-tree indexes on plain columns (no expression, no
-- predicate), with their key columns (not INCLUDE columns) in order: what
-- `generate --propose-indexes` offers as secondary indexes. indkey is an
-- int2vector, whose array is indexed from 0.
SELECT n.nspname,
       c.relname,
       ic.relname,
       array_to_json(ARRAY(SELECT a.attname FROM unnest((i.indkey::int2[])[0:i.indnkeyatts - 1]) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             ORDER BY k.ord)::text[])::text
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[])
  AND NOT i.indisunique
  AND am.amname = 'btree'
  AND i.indexprs IS NULL AND i.indpred IS NULL
  AND NOT c.relispartition
  AND 0 <> ALL (i.indkey::int2[])
ORDER BY 1, 2, 3
