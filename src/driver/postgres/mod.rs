//! PostgreSQL driver: connection, script execution and catalog inspection.
