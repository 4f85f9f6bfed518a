DROP VIEW adult_users;
