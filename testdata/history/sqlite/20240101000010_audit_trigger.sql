CREATE TRIGGER posts_audit AFTER UPDATE ON posts BEGIN
  INSERT INTO audit (post_id, at) VALUES (NEW.id, datetime('now'));
END;
