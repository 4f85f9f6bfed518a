"""add posts.published (publishing branch)

Revision ID: 5b5f7d9a1c05
Revises: 4f3d5b7e9a04
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "5b5f7d9a1c05"
down_revision = "4f3d5b7e9a04"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "posts",
        sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade():
    op.drop_column("posts", "published")
