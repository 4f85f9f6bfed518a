"""check post titles

Revision ID: 9e0e2c4f6b09
Revises: 8d9d1b3e5a08
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "9e0e2c4f6b09"
down_revision = "8d9d1b3e5a08"
branch_labels = None
depends_on = None


def upgrade():
    op.create_check_constraint("ck_posts_title_not_blank", "posts", "length(title) > 0")


def downgrade():
    op.drop_constraint("ck_posts_title_not_blank", "posts")
