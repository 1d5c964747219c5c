SELECT JSON_OBJECT('TrackId', t1.`TrackId`), NULL FROM `Track` t1 WHERE TRUE AND (t1.`TrackId`) < (?) ORDER BY t1.`TrackId` DESC LIMIT 2
