"""add users.name

Revision ID: 3e2c4a6d8f03
Revises: 2d1b3f5c7e02
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "3e2c4a6d8f03"
down_revision = "2d1b3f5c7e02"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("name", sa.String(100)))


def downgrade():
    op.drop_column("users", "name")
