SELECT JSON_OBJECT('id', t1.`id`), JSON_ARRAY(t1.`score`, t1.`id`) FROM `item` t1 WHERE TRUE AND (((t1.`score` IS NULL AND t1.`id` < ?))) ORDER BY t1.`score` DESC, t1.`id` DESC LIMIT 21
