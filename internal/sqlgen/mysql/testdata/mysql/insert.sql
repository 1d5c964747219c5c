-- write, must affect a row
INSERT INTO `Artist` (`Name`) VALUES (?)
-- returns
SELECT JSON_OBJECT('ArtistId', t1.`ArtistId`, 'Name', t1.`Name`) FROM `Artist` t1 WHERE t1.`ArtistId` = LAST_INSERT_ID() LIMIT 1
