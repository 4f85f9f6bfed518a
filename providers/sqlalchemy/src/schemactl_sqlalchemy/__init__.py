"""schemactl's SQLAlchemy provider: import models, print their DDL for a dialect."""

__version__ = "0.1.0"
