env "lint" {
  lint {
    naming {
      match   = "^[a-z_]+$"
      message = "must be lower snake case"
      index {
        match = "^ix_"
      }
      constraint {
        match = "_pkey$"
      }
    }
  }
}
