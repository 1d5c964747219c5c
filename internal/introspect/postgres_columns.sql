-- Every column of every relation in the requested schemas, with its type
-- resolved: domains to their base type (through nested domains), arrays to
-- their element type.
WITH RECURSIVE dom AS (
    SELECT t.oid AS start, t.oid AS cur, t.typname AS domain_name, t.typnotnull AS notnull, 0 AS depth
    FROM pg_catalog.pg_type t WHERE t.typtype = 'd'
  UNION ALL
    SELECT dom.start, b.typbasetype, dom.domain_name, dom.notnull OR b.typnotnull, dom.depth + 1
    FROM dom JOIN pg_catalog.pg_type b ON b.oid = dom.cur
    WHERE b.typtype = 'd' AND dom.depth < 16
),
dom_base AS (
    SELECT DISTINCT ON (start) start, d.cur AS base, d.domain_name, d.notnull
    FROM dom d JOIN pg_catalog.pg_type t ON t.oid = d.cur
    WHERE t.typtype <> 'd'
    ORDER BY start, depth DESC
)
SELECT n.nspname,
       c.relname,
       a.attname,
       a.attnum,
       format_type(a.atttypid, a.atttypmod),
       CASE WHEN elem.oid IS NOT NULL THEN GREATEST(a.attndims, 1) ELSE 0 END AS dims,
       rt.typname AS data_type,
       rt.typtype::text AS type_kind,
       rn.nspname AS type_schema,
       COALESCE(db.domain_name, '') AS domain_name,
       NOT a.attnotnull AND NOT COALESCE(db.notnull, false) AS nullable,
       pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       a.attidentity::text,
       a.attgenerated::text,
       COALESCE(col_description(c.oid, a.attnum), '')
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type elem ON t.typcategory = 'A' AND elem.oid = t.typelem
LEFT JOIN dom_base db ON db.start = COALESCE(elem.oid, t.oid)
JOIN pg_catalog.pg_type rt ON rt.oid = COALESCE(db.base, elem.oid, t.oid)
JOIN pg_catalog.pg_namespace rn ON rn.oid = rt.typnamespace
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE n.nspname = ANY ($1::text[])
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND NOT c.relispartition
  AND a.attnum > 0
  AND NOT a.attisdropped
ORDER BY n.nspname, c.relname, a.attnum
