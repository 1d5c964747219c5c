UPDATE album SET title = :name WHERE album_id = :id
RETURNING album_id, title, artist_id
