"""create posts

Revision ID: 2d1b3f5c7e02
Revises: 1c0a2e4b6d01
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "2d1b3f5c7e02"
down_revision = "1c0a2e4b6d01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text()),
        comment="Blog posts; one row per post",
    )
    op.create_index("ix_posts_user_id", "posts", ["user_id"])


def downgrade():
    op.drop_index("ix_posts_user_id", table_name="posts")
    op.drop_table("posts")
