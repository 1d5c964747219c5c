WITH t1 AS (UPDATE "artist" AS t2 SET "name" = $1 WHERE t2."artist_id" = $2 AND t2."name" = $3 RETURNING t2.*) SELECT json_build_object('artist_id', t3."artist_id", 'name', t3."name") FROM t1 t3
