-- write, must affect a row
UPDATE `Artist` AS t1 SET `Name` = ? WHERE t1.`ArtistId` = ? AND (t1.`Name` = ? AND CONVERT(t1.`Name` USING utf8mb4) COLLATE utf8mb4_nopad_bin = ?)
-- returns
SELECT JSON_OBJECT('ArtistId', t1.`ArtistId`, 'Name', t1.`Name`) FROM `Artist` t1 WHERE t1.`ArtistId` = ? LIMIT 1
