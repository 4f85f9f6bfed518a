DROP TRIGGER posts_touch ON articles;
