-- returns
SELECT JSON_OBJECT('ArtistId', t1.`ArtistId`, 'Name', t1.`Name`) FROM `Artist` t1 WHERE t1.`ArtistId` = ? LIMIT 1 FOR UPDATE
-- write, must affect a row
DELETE t1 FROM `Artist` AS t1 WHERE t1.`ArtistId` = ?
