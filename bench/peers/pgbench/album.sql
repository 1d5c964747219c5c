-- album: the HTTP floor's statement (bench/peers/floor/statements.go), for pgbench -M prepared.
-- Generated: QUARRY_PEERS_UPDATE=1 go test ./bench/peers/floor -run PgbenchScripts
\set id random(1, 347)
SELECT json_build_object('getAlbum', (SELECT json_build_object('album_id', album_id, 'title', title) FROM album WHERE album_id = :id));
