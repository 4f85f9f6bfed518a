"""rename users.name to full_name

Revision ID: 0f1f3d5a7c10
Revises: 9e0e2c4f6b09
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0f1f3d5a7c10"
down_revision = "9e0e2c4f6b09"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("users", "name", new_column_name="full_name")


def downgrade():
    op.alter_column("users", "full_name", new_column_name="name")
