-- playlist_tracks: the HTTP floor's statement (bench/peers/floor/statements.go), for pgbench -M prepared.
-- Generated: QUARRY_PEERS_UPDATE=1 go test ./bench/peers/floor -run PgbenchScripts
\set id 1
SELECT json_build_object('getPlaylist', (
  SELECT json_build_object('name', p.name, 'playlist_tracks', json_build_object('items', (
    SELECT COALESCE(json_agg(json_build_object('track', json_build_object('name', t.name,
             'album', json_build_object('title', al.title, 'artist', json_build_object('name', ar.name))))
           ORDER BY pt.track_id), '[]')
    FROM (SELECT track_id FROM playlist_track WHERE playlist_id = p.playlist_id ORDER BY track_id LIMIT 50) pt
    JOIN track t ON t.track_id = pt.track_id
    JOIN album al ON al.album_id = t.album_id
    JOIN artist ar ON ar.artist_id = al.artist_id)))
  FROM playlist p WHERE p.playlist_id = :id));
