-- items10k: the HTTP floor's statement (bench/peers/floor/statements.go), for pgbench -M prepared.
-- Generated: QUARRY_PEERS_UPDATE=1 go test ./bench/peers/floor -run PgbenchScripts
SELECT json_build_object('listItems', json_build_object('items', COALESCE(json_agg(
  json_build_object('item_id', item_id, 'name', name, 'price', price,
    'created_at', to_char(created_at, 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"')) ORDER BY item_id), '[]')))
FROM (SELECT item_id, name, price, created_at FROM item ORDER BY item_id LIMIT 10000) i;
