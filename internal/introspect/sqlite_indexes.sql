-- Columns of the unique, non-partial indexes, in key order. Origin 'pk' is
-- kept: a single-column primary key without such an index is the rowid.
-- ii.name is NULL for an expression key part.
SELECT m.name,
       il.name,
       il.origin,
       ii.seqno,
       ii.name
FROM main.sqlite_schema m
JOIN pragma_index_list(m.name, 'main') il
JOIN pragma_index_info(il.name, 'main') ii
WHERE m.type = 'table'
  AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
  AND il."unique" = 1
  AND il.partial = 0
ORDER BY m.name, il.name, ii.seqno
