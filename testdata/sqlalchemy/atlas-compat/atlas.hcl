# A project in the form of Atlas's SQLAlchemy guide, for `schemactl --config atlas.hcl`:
# it runs Atlas's PyPI provider (atlas-provider-sqlalchemy) on one-file models it can load.

data "external_schema" "sqlalchemy" {
  program = [
    "atlas-provider-sqlalchemy",
    "--path", "./db",
    "--dialect", "postgresql"
  ]
}

env "sqlalchemy" {
  src = data.external_schema.sqlalchemy.url
  dev = "docker://postgres/15/dev?search_path=public"
  migration {
    dir = "file://migrations"
  }
  format {
    migrate {
      diff = "{{ sql . \"  \" }}"
    }
  }
}
