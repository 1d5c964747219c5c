UPDATE events SET name = :name WHERE id = :id RETURNING to_json(events.*)
