DROP TABLE post_audit;
