"""create tags

Revision ID: 4f3d5b7e9a04
Revises: 3e2c4a6d8f03
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "4f3d5b7e9a04"
down_revision = "3e2c4a6d8f03"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, unique=True),
    )


def downgrade():
    op.drop_table("tags")
