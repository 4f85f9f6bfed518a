ALTER TABLE audit RENAME TO post_audit;
