# The shop's schemactl project: the desired schema comes from the SQLAlchemy models.
#
#   schemactl migrate diff add_reviews --env local
#
# The dev database is a throwaway PostgreSQL 15 (never a real one): set SCHEMACTL_DEV_URL.

data "external_schema" "sqlalchemy" {
  program = [
    "schemactl-sqlalchemy",
    "--path", "./models",
    "--dialect", "postgresql",
  ]
}

env "local" {
  src = data.external_schema.sqlalchemy.url
  dev = getenv("SCHEMACTL_DEV_URL")
  migration {
    dir = "file://migrations"
  }
}
