-- returns
SET STATEMENT group_concat_max_len = 1073741824 FOR SELECT JSON_OBJECT('AlbumId', t1.`AlbumId`, 'Artist', JSON_EXTRACT((SELECT JSON_OBJECT('Name', t2.`Name`) FROM `Artist` t2 WHERE t2.`ArtistId` = t1.`ArtistId` LIMIT 1), '$'), 'Tracks', JSON_OBJECT('items', JSON_EXTRACT((SELECT CONCAT('[', COALESCE(GROUP_CONCAT(JSON_OBJECT('TrackId', t3.`TrackId`) ORDER BY t3.`TrackId` SEPARATOR ',' LIMIT 10), ''), ']') FROM `Track` t3 WHERE t3.`AlbumId` = t1.`AlbumId` AND t3.`TrackId` <= COALESCE((SELECT t4.`TrackId` FROM `Track` t4 WHERE t4.`AlbumId` = t1.`AlbumId` ORDER BY t4.`TrackId` LIMIT 1 OFFSET 9), t3.`TrackId`)), '$'), 'nextToken', NULL)) FROM `Album` t1 WHERE t1.`AlbumId` = ? LIMIT 1 FOR UPDATE
-- write, must affect a row
DELETE t1 FROM `Album` AS t1 WHERE t1.`AlbumId` = ?
