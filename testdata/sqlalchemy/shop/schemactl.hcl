# The shop's schemactl project: the desired schema comes from the SQLAlchemy models.
#
#   schemactl migrate diff add_reviews --env sqlite    # SQLite, in memory: nothing to install
#   schemactl migrate diff add_reviews --env local     # PostgreSQL
#
# Dev databases are throwaway, never a real one. `sqlite` loads both states into fresh SQLite
# databases in memory. `local` uses PostgreSQL 15: SCHEMACTL_DEV_URL, or, when it is empty, a
# local ephemeral cluster. A project targets one database; each env keeps its own directory.

data "external_schema" "sqlalchemy" {
  program = [
    "schemactl-sqlalchemy",
    "--path", "./models",
    "--dialect", "postgresql",
  ]
}

data "external_schema" "sqlalchemy_sqlite" {
  program = [
    "schemactl-sqlalchemy",
    "--path", "./models",
    "--dialect", "sqlite",
  ]
}

env "sqlite" {
  src = data.external_schema.sqlalchemy_sqlite.url
  dev = "sqlite://dev?mode=memory"
  migration {
    dir = "file://migrations-sqlite"
  }
}

env "local" {
  src = data.external_schema.sqlalchemy.url
  dev = getenv("SCHEMACTL_DEV_URL")
  migration {
    dir = "file://migrations"
  }
}
