package main

// The statements of the floor: for each workload, one statement per
// engine, written as a person would write it by hand to build the `data`
// object in the database (json_build_object / json_agg on PostgreSQL,
// JSON_OBJECT / JSON_ARRAYAGG on MariaDB 10.5+), with the same values in
// the same order as Quarry's response. $1 / ? is the request's "id"
// variable; the owner statement's second argument is workload.Owner.

// pgRead holds the PostgreSQL statement of each read workload.
func pgRead() map[string]string {
	playlist := func(extra string) string {
		return `SELECT json_build_object('getPlaylist', (
  SELECT json_build_object('name', p.name, 'playlist_tracks', json_build_object('items', (
    SELECT COALESCE(json_agg(json_build_object('track', json_build_object('name', t.name,
             'album', json_build_object('title', al.title, 'artist', json_build_object('name', ar.name))))
           ORDER BY pt.track_id), '[]')
    FROM (SELECT track_id FROM playlist_track WHERE playlist_id = p.playlist_id ORDER BY track_id LIMIT 50) pt
    JOIN track t ON t.track_id = pt.track_id
    JOIN album al ON al.album_id = t.album_id
    JOIN artist ar ON ar.artist_id = al.artist_id)))
  FROM playlist p WHERE p.playlist_id = $1` + extra + `))`
	}
	album := `SELECT json_build_object('getAlbum', (SELECT json_build_object('album_id', album_id, 'title', title) FROM album WHERE album_id = $1))`
	return map[string]string{
		"tracks20": `SELECT json_build_object('listTracks', json_build_object('items',
  COALESCE(json_agg(json_build_object('track_id', track_id, 'name', name, 'unit_price', unit_price) ORDER BY track_id), '[]')))
FROM (SELECT track_id, name, unit_price FROM track ORDER BY track_id LIMIT 20) t`,
		"album":    album,
		"album_c1": album,
		"albums_tracks_genre": `SELECT json_build_object('listAlbums', json_build_object('items', COALESCE(json_agg(
  json_build_object('title', a.title, 'tracks', json_build_object('items', (
    SELECT COALESCE(json_agg(json_build_object('name', t.name, 'genre', json_build_object('name', g.name)) ORDER BY t.track_id), '[]')
    FROM track t JOIN genre g ON g.genre_id = t.genre_id WHERE t.album_id = a.album_id)))
  ORDER BY a.album_id), '[]')))
FROM (SELECT album_id, title FROM album ORDER BY album_id LIMIT 20) a`,
		"playlist_tracks": playlist(""),
		"playlist_owner":  playlist(" AND p.owner = $2"),
		// Quarry prints timestamps as AWSDateTime with milliseconds and Z.
		// The colons are quoted literals (":") so that pgbench, which
		// reads :MI as a variable, runs the same text.
		"items10k": `SELECT json_build_object('listItems', json_build_object('items', COALESCE(json_agg(
  json_build_object('item_id', item_id, 'name', name, 'price', price,
    'created_at', to_char(created_at, 'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"')) ORDER BY item_id), '[]')))
FROM (SELECT item_id, name, price, created_at FROM item ORDER BY item_id LIMIT 10000) i`,
	}
}

// pgWrite is invoice_line_cud on PostgreSQL: three statements, each
// returning its part of the answer.
func pgWrite() [3]string {
	return [3]string{
		`INSERT INTO invoice_line (invoice_line_id, invoice_id, track_id, unit_price, quantity) VALUES ($1, 1, 1, 0.99, 1)
RETURNING json_build_object('invoice_line_id', invoice_line_id, 'quantity', quantity)`,
		`UPDATE invoice_line SET quantity = 2 WHERE invoice_line_id = $1
RETURNING json_build_object('invoice_line_id', invoice_line_id, 'quantity', quantity)`,
		`DELETE FROM invoice_line WHERE invoice_line_id = $1 RETURNING json_build_object('invoice_line_id', invoice_line_id)`,
	}
}

// myRead holds the MariaDB statement of each read workload. JSON_ARRAYAGG
// (MariaDB 10.5+) takes ORDER BY; it is built on GROUP_CONCAT, so the
// floor's connections raise group_concat_max_len (see openMySQL). MariaDB
// cannot refer to an outer row from a derived table, so the playlist
// statements take the id twice (the playlist's tracks, then the playlist).
func myRead() map[string]string {
	playlist := func(extra string) string {
		return `SELECT JSON_OBJECT('getPlaylist', (
  SELECT JSON_OBJECT('name', p.name, 'playlist_tracks', JSON_OBJECT('items', (
    SELECT COALESCE(JSON_ARRAYAGG(JSON_OBJECT('track', JSON_OBJECT('name', t.name,
             'album', JSON_OBJECT('title', al.title, 'artist', JSON_OBJECT('name', ar.name))))
           ORDER BY pt.track_id), JSON_ARRAY())
    FROM (SELECT track_id FROM playlist_track WHERE playlist_id = ? ORDER BY track_id LIMIT 50) pt
    JOIN track t ON t.track_id = pt.track_id
    JOIN album al ON al.album_id = t.album_id
    JOIN artist ar ON ar.artist_id = al.artist_id)))
  FROM playlist p WHERE p.playlist_id = ?` + extra + `))`
	}
	album := `SELECT JSON_OBJECT('getAlbum', (SELECT JSON_OBJECT('album_id', album_id, 'title', title) FROM album WHERE album_id = ?))`
	return map[string]string{
		"tracks20": `SELECT JSON_OBJECT('listTracks', JSON_OBJECT('items',
  COALESCE(JSON_ARRAYAGG(JSON_OBJECT('track_id', track_id, 'name', name, 'unit_price', unit_price) ORDER BY track_id), JSON_ARRAY())))
FROM (SELECT track_id, name, unit_price FROM track ORDER BY track_id LIMIT 20) t`,
		"album":    album,
		"album_c1": album,
		"albums_tracks_genre": `SELECT JSON_OBJECT('listAlbums', JSON_OBJECT('items', COALESCE(JSON_ARRAYAGG(
  JSON_OBJECT('title', a.title, 'tracks', JSON_OBJECT('items', (
    SELECT COALESCE(JSON_ARRAYAGG(JSON_OBJECT('name', t.name, 'genre', JSON_OBJECT('name', g.name)) ORDER BY t.track_id), JSON_ARRAY())
    FROM track t JOIN genre g ON g.genre_id = t.genre_id WHERE t.album_id = a.album_id)))
  ORDER BY a.album_id), JSON_ARRAY())))
FROM (SELECT album_id, title FROM album ORDER BY album_id LIMIT 20) a`,
		"playlist_tracks": playlist(""),
		"playlist_owner":  playlist(" AND p.owner = ?"),
		"items10k": `SELECT JSON_OBJECT('listItems', JSON_OBJECT('items', COALESCE(JSON_ARRAYAGG(
  JSON_OBJECT('item_id', item_id, 'name', name, 'price', price,
    'created_at', DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.000Z')) ORDER BY item_id), JSON_ARRAY())))
FROM (SELECT item_id, name, price, created_at FROM item ORDER BY item_id LIMIT 10000) i`,
	}
}

// myWrite is invoice_line_cud on MariaDB: INSERT and DELETE have RETURNING
// (10.5+), UPDATE has not, so the update is read back with a SELECT.
// Each is its own autocommit statement; the request owns its row.
func myWrite() (insert, update, readBack, del string) {
	return `INSERT INTO invoice_line (invoice_line_id, invoice_id, track_id, unit_price, quantity) VALUES (?, 1, 1, 0.99, 1)
RETURNING JSON_OBJECT('invoice_line_id', invoice_line_id, 'quantity', quantity)`,
		`UPDATE invoice_line SET quantity = 2 WHERE invoice_line_id = ?`,
		`SELECT JSON_OBJECT('invoice_line_id', invoice_line_id, 'quantity', quantity) FROM invoice_line WHERE invoice_line_id = ?`,
		`DELETE FROM invoice_line WHERE invoice_line_id = ? RETURNING JSON_OBJECT('invoice_line_id', invoice_line_id)`
}
