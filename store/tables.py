"""The tables. Rows are validated before they get here (domain.schemas); these only store."""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, Relationship, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_version = Column("version", Integer, nullable=False)
_activity_version = Column("version", Integer, nullable=False)
_expert_version = Column("version", Integer, nullable=False)
_assignment_version = Column("version", Integer, nullable=False)
_item_version = Column("version", Integer, nullable=False)
_collection_version = Column("version", Integer, nullable=False)


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
    focal_point_email: str | None = None
    """Where the partner authority's evaluation forms go."""
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
    triangular: bool = False
    """The partner asks for triangular cooperation: experts from EU and from non-EU administrations."""
    closed_on: date | None = None
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_version)

    __mapper_args__ = {"version_id_col": _version}


class Activity(SQLModel, table=True):
    """One activity of an Action (a workshop, a study visit ...): a subject with its own lifecycle.

    People name it by its Action and its number there, `2026-07/3`; the number is never reused."""

    __table_args__ = (UniqueConstraint("action_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    number: int
    type: str
    title: str
    start: date | None = None
    end: date | None = None
    country: str | None = None
    city: str | None = None
    remote: bool = False
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    planned_participants: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    participants: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    deliverables: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    state: str  # not indexed: no query looks activities up by state, and every transition moved the entry (0022)
    state_since: datetime
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_activity_version)

    __mapper_args__ = {"version_id_col": _activity_version}


class Assignment(SQLModel, table=True):
    """One expert on one activity: a subject with its own lifecycle (proposed ... completed).

    People name it by its activity and the expert, `2026-07/3/E17`. Money is kept as exact
    decimal text (`450.00`), never as a float."""

    __table_args__ = (UniqueConstraint("activity_id", "expert_id"),)
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    expert_id: int = Field(foreign_key="expert.id", index=True)
    working_days: int | None = None
    travel_days: int | None = None
    fee_per_day: str | None = None
    contract_on: date | None = None
    report_on: date | None = None
    state: str = Field(index=True)
    state_since: datetime
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_assignment_version)

    __mapper_args__ = {"version_id_col": _assignment_version}


class ChecklistItem(SQLModel, table=True):
    """One thing a mission needs done before it can go ahead (a venue, an expert's visa): a subject
    with its own small lifecycle (open, done or not needed).

    People name it by its activity and number, `2026-07/3/L4`. `owner` is a role or a person id;
    `expert_id` names the expert a per-expert item is for (flights, visa, insurance)."""

    __tablename__ = "checklist_item"
    __table_args__ = (UniqueConstraint("activity_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    number: int
    kind: str
    label: str
    expert_id: int | None = Field(default=None, foreign_key="expert.id", index=True)
    owner: str
    state: str = Field(index=True)
    state_since: datetime
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_item_version)

    __mapper_args__ = {"version_id_col": _item_version}


class Expert(SQLModel, table=True):
    """One expert of the roster (validated by domain.experts.ExpertIn before it gets here). People
    name an expert by `E` and the row id (`E17`): never by anything personal."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str = Field(unique=True)
    phone: str | None = None
    sex: str
    nationality: str
    category: str = Field(index=True)
    administration: str
    administration_country: str
    languages: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cv: str | None = None
    available: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    unavailable: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    consent_on: date
    consent_purpose: str
    proposed_by: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_expert_version)

    __mapper_args__ = {"version_id_col": _expert_version}


class Erasure(SQLModel, table=True):
    """An erasure of a person's personal data, recorded without the data: who, when, by whom, and
    how many values changed in each table. While one is open (no `closed_at`) in a transaction,
    the audit trail lets that transaction change its rows' reason and payload (migration 0010)."""

    id: int | None = Field(default=None, primary_key=True)
    person: str = Field(index=True)
    at: datetime
    actor: str
    via: str | None = None
    changed: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    closed_at: datetime | None = None


class Audit(SQLModel, table=True):
    """Append-only record of what happened to a subject (the database refuses edits).

    Every row names its subject (`subject_kind`, `subject_id`: an Action, an activity ...) and the
    Action it belongs to, so an Action's history includes its activities'."""

    __table_args__ = (Index("ix_audit_subject", "subject_kind", "subject_id"),)
    id: int | None = Field(default=None, primary_key=True)
    action_id: int | None = Field(default=None, foreign_key="action.id", index=True)
    """The Action it concerns; none for the roster (an expert added or changed)."""
    subject_kind: str = Field(default="action", sa_column_kwargs={"server_default": "action"})
    subject_id: int
    at: datetime
    trigger: str
    from_state: str | None = None
    to_state: str
    actor: str
    reason: str | None = None
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    via: str | None = None  # the door the act came through: "command line (user ana)", "Prefect flow run ..."


class ReferenceCounter(SQLModel, table=True):
    """The last sequence number given out for a year: references are never reused."""

    __tablename__ = "reference_counter"
    year: int = Field(primary_key=True)
    last: int


class Deadline(SQLModel, table=True):
    """A deadline of a subject: the system of record (Prefect only mirrors its timers)."""

    __table_args__ = (Index("ix_deadline_action_id", "action_id"),
                      Index("ix_deadline_subject", "subject_kind", "subject_id"))
    # no status in the keys: stopping a deadline would move its entries (migration 0022)
    id: int | None = Field(default=None, primary_key=True)
    action_id: int | None = Field(default=None, foreign_key="action.id")
    """The Action its subject belongs to; none for a subject of no Action (the month's newsletter)."""
    subject_kind: str = Field(default="action", sa_column_kwargs={"server_default": "action"})
    subject_id: int
    kind: str
    label: str
    process: str
    due_at: datetime
    moved_from: date | None = None  # the non-working day the count gave, if the due date moved off it
    status: str = "pending"  # pending, met, missed, cancelled, replanned
    started_at: datetime
    stopped_at: datetime | None = None
    stopped_by: str | None = None
    overdue_since: datetime | None = None
    timers: list["Timer"] = Relationship()


class Timer(SQLModel, table=True):
    """A moment at which people are told about a deadline: a reminder, the due date, an escalation.

    status: pending, fired, coalesced (folded into a later notice that fired), cancelled.
    flow_run_id/mirrored: the scheduled Prefect flow run that mirrors it ('scheduled', 'cancelled').
    """

    __table_args__ = (
        Index("ix_timer_due", "fire_at", sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
        Index("ix_timer_unmirrored", "id", sqlite_where=text("status = 'pending' AND mirrored IS NULL"),
              postgresql_where=text("status = 'pending' AND mirrored IS NULL")),
        Index("ix_timer_to_unmirror", "id", sqlite_where=text("status != 'pending' AND mirrored = 'scheduled'"),
              postgresql_where=text("status != 'pending' AND mirrored = 'scheduled'")),
    )
    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int = Field(foreign_key="deadline.id", index=True)
    action_id: int | None = Field(default=None, foreign_key="action.id")
    subject_kind: str = Field(default="action", sa_column_kwargs={"server_default": "action"})
    subject_id: int
    point: str
    seq: int = 0
    fire_at: datetime
    tell: list[str] = Field(sa_column=Column(JSON, nullable=False))
    status: str = "pending"
    fired_at: datetime | None = None
    flow_run_id: str | None = None
    mirrored: str | None = None


class Alert(SQLModel, table=True):
    """An alert owed to people, written in the transaction that caused it; delivered from here.

    `source` names its cause ("timer:42") and is unique, so a cause can owe an alert only once.
    """

    __table_args__ = (Index("ix_alert_unrouted", "id", sqlite_where=text("routed_at IS NULL"),
                            postgresql_where=text("routed_at IS NULL")),)
    id: int | None = Field(default=None, primary_key=True)
    action_id: int | None = Field(default=None, foreign_key="action.id", index=True)
    """The Action it concerns; none for an alert about the roster (an expert's consent)."""
    subject_kind: str = Field(default="action", sa_column_kwargs={"server_default": "action"})
    subject_id: int | None = None
    kind: str
    source: str = Field(unique=True)
    recipients: list[str] = Field(sa_column=Column(JSON, nullable=False))
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    urgent: bool = False
    created_at: datetime
    routed_at: datetime | None = None  # when its deliveries were written


class Delivery(SQLModel, table=True):
    """One alert to one person (or the admin channel) on one channel: the unit the dispatcher sends.

    status: pending (due at next_attempt_at), sending (claimed by a dispatcher at claimed_at),
    sent, dead (the retry budget ran out). `key` is unique: no person gets the same alert twice
    on a channel, however many dispatchers or retries run.
    """

    __table_args__ = (
        Index("ix_delivery_due", "next_attempt_at", sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
        Index("ix_delivery_sending", "claimed_at", sqlite_where=text("status = 'sending'"),
              postgresql_where=text("status = 'sending'")),
    )
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    person: str
    channel: str
    key: str = Field(unique=True)
    digest: bool = False
    status: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None


class Cursor(SQLModel, table=True):
    """How far a reader of an append-only table has got (e.g. publishing audit rows as events)."""

    name: str = Field(primary_key=True)
    position: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))  # microseconds since 1970 fit 64 bits


class CalendarToken(SQLModel, table=True):
    """A person's calendar feed token, kept only as its SHA-256 (the token itself is shown once, when
    issued). A person has at most one live token: issuing another revokes it."""

    __tablename__ = "calendar_token"
    id: int | None = Field(default=None, primary_key=True)
    person: str = Field(index=True)
    token_hash: str = Field(unique=True)
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None
    revoked_by: str | None = None


class Setting(SQLModel, table=True):
    """Small facts about this installation (e.g. its id, which makes event ids globally unique)."""

    key: str = Field(primary_key=True)
    value: str


class Participant(SQLModel, table=True):
    """Someone who took part in an activity, registered so that its evaluation form reaches them.
    People name one by `P` and the row id; the answers they give are never linked to them."""

    __table_args__ = (UniqueConstraint("activity_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    name: str
    email: str
    sex: str
    institution: str | None = None
    created_at: datetime


class EvaluationCollection(SQLModel, table=True):
    """A collection of evaluation forms: a subject open while answers come in, closed on its
    deadline. Its `purpose` says whose: an activity's participants and experts (`activity`, named
    `2026-07/3/C`), the partner authority's when the Action enters monitoring (`partner`,
    `2026-07/P`) or six months after it closed (`follow_up`, `2026-07/F`); one of each at most."""

    __tablename__ = "evaluation_collection"
    __table_args__ = (UniqueConstraint("activity_id"),
                      Index("uq_evaluation_collection_of_action", "action_id", "purpose", unique=True,
                            sqlite_where=text("activity_id IS NULL"), postgresql_where=text("activity_id IS NULL")))
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    activity_id: int | None = Field(default=None, foreign_key="activity.id")
    purpose: str = "activity"
    state: str = Field(index=True)
    state_since: datetime
    dispatched_at: datetime | None = None
    reminders_sent: int = 0
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_collection_version)

    __mapper_args__ = {"version_id_col": _collection_version}


class FormLink(SQLModel, table=True):
    """One recipient's link to a collection's form. The token in the link is derived from `nonce`
    with the installation's link secret and kept here only as its SHA-256; `answered_at` is all
    that says the recipient answered (the answer itself does not name them)."""

    __tablename__ = "form_link"
    __table_args__ = (UniqueConstraint("collection_id", "recipient"),)
    id: int | None = Field(default=None, primary_key=True)
    collection_id: int = Field(foreign_key="evaluation_collection.id", index=True)
    form: str
    role: str
    recipient: str
    language: str
    nonce: str
    token_hash: str = Field(unique=True)
    created_at: datetime
    reminders: int = 0
    answered_at: datetime | None = None


class FormAnswer(SQLModel, table=True):
    """One form as submitted: the answers, with the activity (none for the partner's forms) and the
    respondent's role, and after how many reminders it came; nothing that says who answered."""

    __tablename__ = "form_answer"
    id: int | None = Field(default=None, primary_key=True)
    collection_id: int = Field(foreign_key="evaluation_collection.id", index=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    activity_id: int | None = Field(default=None, foreign_key="activity.id")
    form: str
    role: str
    language: str
    answers: dict = Field(sa_column=Column(JSON, nullable=False))
    score: float | None = None
    after_reminders: int = 0
    submitted_on: date


class InvitationLink(SQLModel, table=True):
    """An expert's link to answer their invitation to an activity (accept or decline): its token is
    derived from `nonce` like a form link's and kept only as its SHA-256; `answered_at` ends it."""

    __tablename__ = "invitation_link"
    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    nonce: str
    token_hash: str = Field(unique=True)
    created_at: datetime
    answered_at: datetime | None = None


_task_version = Column("version", Integer, nullable=False)


class CommunicationTask(SQLModel, table=True):
    """A text for the communications officer (drafted, reviewed, published or dropped), with its
    visibility checklist: a news item about an Action, which people name by its Action and number
    (`2026-07/N1`), or the month's newsletter, which belongs to no Action (`NL-2026-11`)."""

    __tablename__ = "communication_task"
    __table_args__ = (UniqueConstraint("action_id", "number"), UniqueConstraint("month"))
    id: int | None = Field(default=None, primary_key=True)
    action_id: int | None = Field(default=None, foreign_key="action.id", index=True)
    number: int
    occasion: str
    """What made it: the Action's `approval` or its `closure`; `newsletter` for the month's digest."""
    month: str | None = None
    """The month a newsletter tells of (`2026-11`); none for a news item."""
    title: str
    draft: str
    eu_funding_acknowledged: bool = False
    partner_approved: bool = False
    photos_consented: bool | None = None
    """None: no photos; False: photos without everyone's consent yet."""
    published_url: str | None = None
    state: str = Field(index=True)
    state_since: datetime
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_task_version)

    __mapper_args__ = {"version_id_col": _task_version}


class KnowledgeEntry(SQLModel, table=True):
    """One entry of the knowledge register: an Action's lessons learnt, a deliverable or a good
    practice, filed when the Action closes, or a case study the knowledge officer adds. Searched in
    full text (SQLite FTS5 `knowledge_fts`, PostgreSQL `search` tsvector; migration 0019), kept in
    step by the store itself."""

    __tablename__ = "knowledge_entry"
    id: int | None = Field(default=None, primary_key=True)
    action_id: int | None = Field(default=None, foreign_key="action.id", index=True)
    kind: str = Field(index=True)
    title: str
    body: str
    theme: str | None = None
    region: str | None = None
    activity_type: str | None = None
    year: int | None = Field(default=None, index=True)
    created_at: datetime
    created_by: str


def described_here(obj, name, type_, reflected, compare_to) -> bool:
    """For alembic's comparisons: what these models describe. The full-text index the store keeps
    itself (migration 0019: SQLite's knowledge_fts and its shadow tables, PostgreSQL's generated
    `search` column and its GIN index) is not."""
    if type_ == "table":
        return not str(name).startswith("knowledge_fts")
    if type_ == "column" and name == "search":
        return obj.table.name != "knowledge_entry"
    return not (type_ == "index" and name == "ix_knowledge_entry_search")
