SELECT * FROM track
WHERE track_id = :id
   OR name = :nope
