SELECT json_build_object('id', t1."id"), json_build_array(t1."grp", t1."id") FROM "item" t1 WHERE TRUE AND (t1."grp", t1."id") < ($1, $2) ORDER BY t1."grp" DESC, t1."id" DESC LIMIT 3
