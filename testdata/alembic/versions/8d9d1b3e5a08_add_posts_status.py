"""add posts.status

Revision ID: 8d9d1b3e5a08
Revises: 7c8c0a2d4f07
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "8d9d1b3e5a08"
down_revision = "7c8c0a2d4f07"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TYPE post_status AS ENUM ('draft', 'published')")
    op.add_column(
        "posts",
        sa.Column(
            "status",
            postgresql.ENUM("draft", "published", name="post_status", create_type=False),
            server_default="draft",
            nullable=False,
        ),
    )


def downgrade():
    op.drop_column("posts", "status")
    op.execute("DROP TYPE post_status")
