"""The tables. Rows are validated before they get here (domain.schemas); these only store."""
from datetime import date, datetime

from sqlalchemy import JSON, Column, Integer
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_version = Column("version", Integer, nullable=False)


class Action(SQLModel, table=True):
    """One request and, once accepted, the Action answering it."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=12)
    name: str
    requester: str
    requester_type: str
    countries: list[str] = Field(sa_column=Column(JSON, nullable=False))
    region: str
    theme: str
    channel: str | None = None
    received_on: date = Field(index=True)
    focal_point: str | None = None
    project_officer: str | None = None
    state: str = Field(index=True)
    state_since: datetime
    suspended_from: str | None = None
    fiche: dict | None = Field(default=None, sa_column=Column(JSON))
    fiche_submitted_at: datetime | None = None
    psg_decision_on: date | None = None
    psg_comments: str | None = None
    monitoring_completed_on: date | None = None
    final_report: str | None = None
    lessons_learnt: str | None = None
    forwarded_to: str | None = None
    closed_on: date | None = None
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_version)

    __mapper_args__ = {"version_id_col": _version}


class Audit(SQLModel, table=True):
    """Append-only record of what happened to an Action (the database refuses edits)."""

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    at: datetime
    trigger: str
    from_state: str | None = None
    to_state: str
    actor: str
    reason: str | None = None
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ReferenceCounter(SQLModel, table=True):
    """The last sequence number given out for a year: references are never reused."""

    __tablename__ = "reference_counter"
    year: int = Field(primary_key=True)
    last: int
