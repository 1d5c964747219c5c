-- :ignored in a comment
SELECT album_id, title, artist_id
FROM album
WHERE title LIKE :prefix || '%'
ORDER BY title
