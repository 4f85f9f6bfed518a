# Atlas's SQLAlchemy guide, as the guide writes its project file, for MySQL. The only change:
# the dev database is the locally built MariaDB test image instead of docker://mysql/8/dev
# (no registry can be reached here; both name a throwaway container).

data "external_schema" "sqlalchemy" {
  program = [
    "atlas-provider-sqlalchemy",
    "--path", "./db",
    "--dialect", "mysql" // mariadb | postgresql | sqlite | mssql
  ]
}

env "sqlalchemy" {
  src = data.external_schema.sqlalchemy.url
  dev = "docker+mariadb://schemactl-test/mariadb:10.11/dev"
  migration {
    dir = "file://migrations"
  }
  format {
    migrate {
      diff = "{{ sql . \"  \" }}"
    }
  }
}
