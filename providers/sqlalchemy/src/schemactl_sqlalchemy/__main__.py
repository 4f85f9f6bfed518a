"""`python -m schemactl_sqlalchemy` runs the console script."""

from schemactl_sqlalchemy.cli import main

raise SystemExit(main())
