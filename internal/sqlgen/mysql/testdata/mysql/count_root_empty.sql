(SELECT JSON_OBJECT('id', t1.`id`), JSON_ARRAY(t1.`id`), NULL FROM `item` t1 WHERE t1.`id` > ? ORDER BY t1.`id` LIMIT 3) UNION ALL (SELECT NULL, NULL, COUNT(*) FROM `item` t1 WHERE t1.`id` > ?)
