-- returns
SELECT /*+ SET_VAR(group_concat_max_len = 1073741824) */ JSON_OBJECT('AlbumId', t1.`AlbumId`, 'Artist', JSON_EXTRACT((SELECT JSON_OBJECT('Name', t2.`Name`) FROM `Artist` t2 WHERE t2.`ArtistId` = t1.`ArtistId` LIMIT 1), '$'), 'Tracks', JSON_OBJECT('items', JSON_EXTRACT((SELECT CONCAT('[', COALESCE(GROUP_CONCAT(t4.o ORDER BY t4.k0 SEPARATOR ','), ''), ']') FROM (SELECT JSON_OBJECT('TrackId', t3.`TrackId`) AS o, t3.`TrackId` AS k0 FROM `Track` t3 WHERE t3.`AlbumId` = t1.`AlbumId` ORDER BY t3.`TrackId` LIMIT 10) t4), '$'), 'nextToken', NULL)) FROM `Album` t1 WHERE t1.`AlbumId` = ? LIMIT 1 FOR UPDATE
-- write, must affect a row
DELETE t1 FROM `Album` AS t1 WHERE t1.`AlbumId` = ?
