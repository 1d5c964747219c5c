WITH t1 AS (DELETE FROM "artist" AS t2 WHERE t2."artist_id" = $1 RETURNING t2.*) SELECT json_build_object('artist_id', t3."artist_id", 'name', t3."name") FROM t1 t3
