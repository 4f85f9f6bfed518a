//! External schema providers: run a program (argv, no shell) and capture the DDL it prints.
