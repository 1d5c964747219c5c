-- albums_tracks_genre: the HTTP floor's statement (bench/peers/floor/statements.go), for pgbench -M prepared.
-- Generated: QUARRY_PEERS_UPDATE=1 go test ./bench/peers/floor -run PgbenchScripts
SELECT json_build_object('listAlbums', json_build_object('items', COALESCE(json_agg(
  json_build_object('title', a.title, 'tracks', json_build_object('items', (
    SELECT COALESCE(json_agg(json_build_object('name', t.name, 'genre', json_build_object('name', g.name)) ORDER BY t.track_id), '[]')
    FROM track t JOIN genre g ON g.genre_id = t.genre_id WHERE t.album_id = a.album_id)))
  ORDER BY a.album_id), '[]')))
FROM (SELECT album_id, title FROM album ORDER BY album_id LIMIT 20) a;
