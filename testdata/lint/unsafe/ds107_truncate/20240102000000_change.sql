-- expect: DS107
TRUNCATE posts;
