-- Relations in the requested schemas: tables, partitioned tables (their
-- partitions are left out: the parent is the table users query), views and
-- materialized views.
SELECT n.nspname,
       c.relname,
       c.relkind::text,
       COALESCE(obj_description(c.oid, 'pg_class'), '')
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[])
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND NOT c.relispartition
ORDER BY array_position($1::text[], n.nspname::text), c.relname
