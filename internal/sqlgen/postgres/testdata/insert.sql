WITH t1 AS (INSERT INTO "artist" ("name") VALUES ($1) RETURNING *) SELECT json_build_object('artist_id', t2."artist_id", 'name', t2."name") FROM t1 t2
