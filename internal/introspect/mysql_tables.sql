-- Tables and views of one database. MariaDB reports a system-versioned table
-- as 'SYSTEM VERSIONED': it is an ordinary table to its users. Sequences
-- (MariaDB 'SEQUENCE') are left out: they are not rows anyone queries.
SELECT TABLE_NAME,
       TABLE_TYPE,
       COALESCE(TABLE_COMMENT, '')
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = ?
  AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW')
ORDER BY TABLE_NAME
