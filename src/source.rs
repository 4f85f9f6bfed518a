//! Turning a URL into a schema model: inspect a database, or load SQL files on a dev database.
