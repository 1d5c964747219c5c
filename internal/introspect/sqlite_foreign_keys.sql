-- Foreign key columns. "table" and "to" are spelled as in the REFERENCES
-- clause, not necessarily as the parent declares them; "to" is NULL when
-- the clause names no columns.
SELECT m.name,
       f.id,
       f.seq,
       f."table",
       f."from",
       f."to"
FROM main.sqlite_schema m
JOIN pragma_foreign_key_list(m.name, 'main') f
WHERE m.type = 'table'
  AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
ORDER BY m.name, f.id, f.seq
