ALTER SEQUENCE invoice_numbers RENAME TO invoice_no;
