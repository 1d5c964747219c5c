-- Tables, views and virtual tables of the main database. pragma_table_list
-- tells virtual tables' shadow tables (FTS5's _data, _idx, ...) apart from
-- the user's own; they are the virtual table's storage, not relations of
-- their own. The backslash escapes LIKE's "_" wildcard, which would
-- otherwise hide a user's table named "sqlitex".
SELECT name,
       type
FROM pragma_table_list
WHERE schema = 'main'
  AND type IN ('table', 'view', 'virtual')
  AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
ORDER BY name
