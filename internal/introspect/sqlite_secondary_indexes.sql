-- Columns of the non-unique, non-partial indexes, in key order: what
-- `generate --propose-indexes` offers as secondary indexes. ii.name is NULL
-- for an expression key part (the reader skips such indexes).
SELECT m.name,
       il.name,
       ii.name
FROM main.sqlite_schema m
JOIN pragma_index_list(m.name, 'main') il
JOIN pragma_index_info(il.name, 'main') ii
WHERE m.type = 'table'
  AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
  AND il."unique" = 0
  AND il.partial = 0
ORDER BY m.name, il.name, ii.seqno
