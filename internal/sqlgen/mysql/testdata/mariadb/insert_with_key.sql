-- write, must affect a row
INSERT INTO `Album` (`AlbumId`, `Title`, `ArtistId`) VALUES (?, ?, ?)
-- returns
SELECT JSON_OBJECT('AlbumId', t1.`AlbumId`, 'Title', t1.`Title`, 'Artist', JSON_EXTRACT((SELECT JSON_OBJECT('Name', t2.`Name`) FROM `Artist` t2 WHERE t2.`ArtistId` = t1.`ArtistId` LIMIT 1), '$')) FROM `Album` t1 WHERE t1.`AlbumId` = ? LIMIT 1
