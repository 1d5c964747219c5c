-- Primary keys and unique indexes (a UNIQUE constraint is a unique index in
-- MySQL), one row per key part in key order. COLUMN_NAME is NULL for a
-- MySQL 8 functional key part.
SELECT TABLE_NAME,
       INDEX_NAME,
       SEQ_IN_INDEX,
       COLUMN_NAME
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = ?
  AND NON_UNIQUE = 0
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
