env "lint" {
  lint {
    rule "ST107" {
      level = "warning"
    }
  }
}
