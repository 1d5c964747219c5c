-- tracks20: the HTTP floor's statement (bench/peers/floor/statements.go), for pgbench -M prepared.
-- Generated: QUARRY_PEERS_UPDATE=1 go test ./bench/peers/floor -run PgbenchScripts
SELECT json_build_object('listTracks', json_build_object('items',
  COALESCE(json_agg(json_build_object('track_id', track_id, 'name', name, 'unit_price', unit_price) ORDER BY track_id), '[]')))
FROM (SELECT track_id, name, unit_price FROM track ORDER BY track_id LIMIT 20) t;
