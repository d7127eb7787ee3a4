DROP TABLE event_position;
