SELECT JSON_OBJECT('id', t1.`id`), JSON_ARRAY(t1.`grp`, t1.`id`) FROM `item` t1 WHERE TRUE AND (t1.`grp`, t1.`id`) < (?, ?) ORDER BY t1.`grp` DESC, t1.`id` DESC LIMIT 3
