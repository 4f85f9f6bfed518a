//! Database URLs: one syntax for --url, --from, --to, --dev-url and the project file.
