ALTER TABLE users COMMENT = 'people who sign in';
ALTER TABLE users MODIFY email varchar(255) COMMENT 'where we write to them';
