-- MariaDB only: its JSON type is LONGTEXT plus a column-level
-- CHECK (json_valid(`col`)), named after the column. The prefix test only
-- trims the result; the Go side matches the whole clause. (Not LIKE
-- 'json\_valid(%': under NO_BACKSLASH_ESCAPES that escape means nothing.)
SELECT TABLE_NAME,
       CHECK_CLAUSE
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = ?
  AND LEFT(CHECK_CLAUSE, 11) = 'json_valid('
