-- The columns of one table or view: the fallback when the query for all of
-- them fails on a view over a dropped table or a virtual table whose module
-- is not compiled in.
SELECT ?1,
       cid,
       name,
       type,
       "notnull",
       dflt_value,
       pk,
       hidden
FROM pragma_table_xinfo(?1, 'main')
ORDER BY cid
