"""Models in the one-file form Atlas's own provider can load (no postponed annotations)."""

import enum
from typing import Optional

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Plan(enum.Enum):
    free = "free"
    pro = "pro"


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    plan: Mapped[Plan] = mapped_column(Enum(Plan, name="plan"))


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    title: Mapped[Optional[str]] = mapped_column(String(100), comment="Shown in the UI")
