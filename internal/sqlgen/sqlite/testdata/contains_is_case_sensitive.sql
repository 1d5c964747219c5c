SELECT json_object('Name', t1."Name"), json_array(t1."TrackId") FROM "Track" t1 WHERE (t1."Name" GLOB ?1) ORDER BY t1."TrackId"
