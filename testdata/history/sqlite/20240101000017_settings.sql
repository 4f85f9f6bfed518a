CREATE TABLE settings (key text PRIMARY KEY, value text) WITHOUT ROWID;
