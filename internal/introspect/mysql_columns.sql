-- Every column of every table and view of one database. GENERATION_EXPRESSION
-- is not read: EXTRA already says whether a column is generated, on every
-- version, and the catalog keeps no expression.
SELECT TABLE_NAME,
       COLUMN_NAME,
       ORDINAL_POSITION,
       DATA_TYPE,
       COLUMN_TYPE,
       IS_NULLABLE,
       COLUMN_DEFAULT,
       COALESCE(EXTRA, ''),
       COALESCE(COLUMN_COMMENT, '')
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = ?
ORDER BY TABLE_NAME, ORDINAL_POSITION
