ALTER INDEX posts_user_id_idx RENAME TO articles_user_id_idx;
