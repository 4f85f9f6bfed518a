DROP TRIGGER posts_audit;
