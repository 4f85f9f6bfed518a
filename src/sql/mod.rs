//! SQL text utilities shared by drivers and migrations (statement splitting).
