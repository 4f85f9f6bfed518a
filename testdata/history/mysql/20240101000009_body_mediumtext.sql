ALTER TABLE posts MODIFY body mediumtext;
