-- Non-unique B-tree indexes, one row per key part in order: what `generate
-- --propose-indexes` offers as secondary indexes. COLUMN_NAME is NULL for a
-- functional key part and SUB_PART set for a prefix; neither orders the
-- column, so such indexes are skipped by the reader.
SELECT TABLE_NAME,
       INDEX_NAME,
       COLUMN_NAME,
       SUB_PART
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = ?
  AND NON_UNIQUE = 1
  AND INDEX_TYPE = 'BTREE'
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
