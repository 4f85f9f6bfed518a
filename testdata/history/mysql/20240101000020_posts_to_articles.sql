RENAME TABLE posts TO articles;
