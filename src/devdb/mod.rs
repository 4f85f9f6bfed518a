//! Throwaway dev databases: a clean scratch database per run, cleaned up on every exit path.
