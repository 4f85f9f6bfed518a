"""create post_tags (tagging branch)

Revision ID: 5a4e6c8f0b05
Revises: 4f3d5b7e9a04
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "5a4e6c8f0b05"
down_revision = "4f3d5b7e9a04"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "post_tags",
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("posts.id"), primary_key=True),
        sa.Column("tag_id", sa.Integer(), sa.ForeignKey("tags.id"), primary_key=True),
    )


def downgrade():
    op.drop_table("post_tags")
