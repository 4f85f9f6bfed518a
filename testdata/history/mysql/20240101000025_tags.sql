CREATE TABLE tags (id int NOT NULL PRIMARY KEY, label varchar(40) NOT NULL);
