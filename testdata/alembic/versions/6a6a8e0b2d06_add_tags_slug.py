"""add tags.slug

Revision ID: 6a6a8e0b2d06
Revises: 5a4e6c8f0b05
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "6a6a8e0b2d06"
down_revision = "5a4e6c8f0b05"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tags", sa.Column("slug", sa.String(50)))
    op.create_unique_constraint("uq_tags_slug", "tags", ["slug"])


def downgrade():
    op.drop_constraint("uq_tags_slug", "tags")
    op.drop_column("tags", "slug")
