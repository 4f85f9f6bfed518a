-- expect: NM110
CREATE TABLE a_table_name_that_is_much_longer_than_sixty_three_bytes_and_gets_cut (id bigint);
