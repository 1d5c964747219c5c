SELECT JSON_OBJECT('TrackId', t1.`TrackId`), JSON_ARRAY(t1.`TrackId`) FROM `Track` t1 WHERE TRUE AND (t1.`TrackId`) < (?) ORDER BY t1.`TrackId` DESC LIMIT 3
