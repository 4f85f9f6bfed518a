-- expect: BC104
ALTER VIEW user_emails RENAME TO member_emails;
