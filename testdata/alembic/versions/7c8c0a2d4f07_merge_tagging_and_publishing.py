"""merge tagging and publishing

Revision ID: 7c8c0a2d4f07
Revises: 6a6a8e0b2d06, 6b7b9f1c3e06
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "7c8c0a2d4f07"
down_revision = ("6a6a8e0b2d06", "6b7b9f1c3e06")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
