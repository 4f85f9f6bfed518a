//! Helpers shared by integration tests (each test uses some of them).

#![allow(dead_code)]

pub mod cases;
pub mod conformance;
pub mod postgres;
pub mod project;
