-- expect: DS105
DROP VIEW user_emails;
