-- Every column of every table and view, in cid order. The explicit 'main'
-- keeps a TEMP table of the same name from shadowing the real one.
SELECT m.name,
       p.cid,
       p.name,
       p.type,
       p."notnull",
       p.dflt_value,
       p.pk,
       p.hidden
FROM main.sqlite_schema m
JOIN pragma_table_xinfo(m.name, 'main') p
WHERE m.type IN ('table', 'view')
  AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
ORDER BY m.name, p.cid
