"""The rows a transition reads and writes, as statements compiled once, run on the caller's connection.

A transition writes a handful of rows: the subject's new state, its audit row, the deadlines and
timers it starts or stops, the alerts it owes. Through the ORM each cost a model construction and
a unit-of-work flush; even as Core statements, SQLAlchemy's per-execution machinery cost 50 to
100 us a statement on a small machine, more than SQLite's own work (bench/lifecycle_rate.py).
So each statement here is `Prepared`: SQLAlchemy compiles it once per dialect and gives the
bind and result processors of its column types (UTC datetimes, JSON); each execution then runs
straight on the DBAPI cursor of the session's connection, in its transaction. Every value is
given explicitly: no model default applies.
"""
from collections import namedtuple
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from sqlalchemy import JSON, bindparam, event, insert, literal_column, null, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, class_mapper, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict
from sqlalchemy.orm.exc import StaleDataError

from store.db import DRIVER
from store.tables import Alert, Audit, Deadline, Timer


def _driver(session: Session) -> tuple:
    """The dialect and DBAPI connection of the session's transaction (looked up once per
    transaction; a session from store.db.writing has them from the start)."""
    found = session.info.get(DRIVER)
    if found is None:
        connection = session.connection()
        found = session.info[DRIVER] = (connection.dialect, connection.connection.driver_connection)
    return found


@event.listens_for(Session, "after_transaction_end")
def _forget_driver(session: Session, transaction) -> None:
    """The next transaction may run on another connection of the pool (not so for a session
    bound to one connection, whose transaction outlives the session's own)."""
    if transaction.parent is None and not isinstance(session.bind, Connection):
        session.info.pop(DRIVER, None)


@dataclass(frozen=True)
class _Compiled:
    """A statement as one dialect runs it: its SQL, its parameters in order with their processors,
    the values fixed in it, and for a SELECT the processors and names of its columns."""

    sql: str
    names: tuple[str, ...]
    processing: tuple[tuple[int, object], ...]
    """(position, bind processor) of each parameter whose type has one"""
    fixed: dict
    positional: bool
    take: object
    """the parameters' values out of a dict, in order, as a tuple (operator.itemgetter)"""
    results: tuple[tuple[int, object], ...]
    """(position, result processor) of each selected column whose type has one"""
    row: type


class Prepared:
    """A statement whose values are named bind parameters, compiled once per dialect by SQLAlchemy
    and run on the DBAPI cursor of the session's connection."""

    def __init__(self, statement):
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def run(self, session: Session, values: dict | list[dict]):
        """Execute with one set of values, or many; returns the cursor (RETURNING, rowcount)."""
        dialect, driver = _driver(session)
        compiled = self._for(dialect)
        params = [self._params(compiled, v) for v in values] if isinstance(values, list) else \
            self._params(compiled, values)
        cursor = driver.cursor()
        try:
            (cursor.executemany if isinstance(values, list) else cursor.execute)(compiled.sql, params)
        except dialect.loaded_dbapi.Error as error:  # as SQLAlchemy would raise it (IntegrityError ...)
            raise DBAPIError.instance(compiled.sql, params, error, dialect.loaded_dbapi.Error,
                                      dialect=dialect) from error
        return cursor

    def all(self, session: Session, values: dict) -> list:
        """The rows a SELECT returns, each a named tuple of its columns' typed values."""
        row = self._for(_driver(session)[0]).row
        return [row(*found) for found in self.tuples(session, values)]

    def tuples(self, session: Session, values: dict) -> list[tuple]:
        """The rows a SELECT returns, as tuples of its columns' typed values, in their order."""
        results = self._for(_driver(session)[0]).results
        found = self.run(session, values).fetchall()
        if not results:
            return found
        typed = []
        for row in found:
            row = list(row)
            for i, process in results:
                row[i] = process(row[i])
            typed.append(tuple(row))
        return typed

    def _for(self, dialect) -> _Compiled:
        return self._by_dialect.get(dialect.name) or self._compile(dialect)

    @staticmethod
    def _params(compiled: _Compiled, values: dict):
        if compiled.fixed:
            values = {**compiled.fixed, **values}
        processed = compiled.take(values)
        if compiled.processing:
            processed = list(processed)
            for i, process in compiled.processing:
                processed[i] = process(processed[i])
        return tuple(processed) if compiled.positional else dict(zip(compiled.names, processed))

    def _compile(self, dialect) -> _Compiled:
        done = self.statement.compile(dialect=dialect)
        names = tuple(done.positiontup) if done.positiontup is not None else tuple(done.binds)
        selected = list(getattr(self.statement, "selected_columns", [])) if not getattr(
            self.statement, "is_dml", False) else []
        compiled = self._by_dialect[dialect.name] = _Compiled(
            sql=done.string, names=names,
            processing=_processing(_processor("bind", done.binds[n].type, dialect) for n in names),
            fixed={n: bind.effective_value for n, bind in done.binds.items() if not bind.required},
            positional=done.positiontup is not None,
            take=(itemgetter(*names) if len(names) > 1 else (lambda values: tuple(values[n] for n in names))),
            results=_processing(_processor("result", c.type, dialect) for c in selected),
            row=namedtuple("Row", [c.key for c in selected], rename=True) if selected else tuple)
        return compiled


def _processor(way: str, type_, dialect):
    """The bind ("bind") or result ("result") processor of a type, remembering what it made where that
    pays: a date or time (immutable) is made once per instant for every column of its type, since
    a transition binds its `now` and a cached plan's dates a dozen times and SQLite's formatting of
    each cost more than the rest of its parameters; a JSON tuple bound (whom a planned timer
    tells) is made once, a list or a dict each time."""
    impl = type_.dialect_impl(dialect)
    process = impl.bind_processor(dialect) if way == "bind" else impl.result_processor(dialect, None)
    if process is None:
        return None
    if issubclass(_python_type(type_), date):
        return _shared(way, type_, dialect, process)
    if way == "bind" and isinstance(type_, JSON):
        return _remembering(process, only=tuple)
    return process


_SHARED: dict = {}


def _shared(way: str, type_, dialect, process):
    """One remembering processor for every column of the same type: a transition's `now` goes into
    half a dozen columns of as many statements."""
    key = (way, dialect.name, repr(type_.dialect_impl(dialect)))
    found = _SHARED.get(key)
    if found is None:
        found = _SHARED[key] = _remembering(process)
    return found


def _python_type(type_) -> type:
    """What a column type holds in Python (a TypeDecorator's is its implementation's); object if unknown."""
    for candidate in (type_, getattr(type_, "impl", None)):
        try:
            return candidate.python_type
        except (AttributeError, NotImplementedError):
            continue
    return object


def _remembering(process, *, only: type | None = None, size: int = 4_096):
    """`process`, remembering what it made of the last few thousand values (of type `only`, if given)."""
    made: dict = {}

    def remembered(value):
        if only is not None and type(value) is not only:
            return process(value)
        found = made.get(value)
        if found is None:
            if value is None:
                return process(value)
            if len(made) >= size:
                made.clear()
            found = made[value] = process(value)
        return found
    return remembered


def _processing(processors) -> tuple[tuple[int, object], ...]:
    return tuple((i, p) for i, p in enumerate(processors) if p is not None)


def _inserting(table, *returning, fixed: dict | None = None) -> Prepared:
    """INSERT of every column but the key; those in `fixed` have their value written in the SQL (a
    new deadline is always pending), the others are parameters."""
    fixed = fixed or {}
    statement = insert(table).values({column.key: fixed[column.key] if column.key in fixed else
                                      bindparam(f"p_{column.key}") for column in table.columns
                                      if not column.primary_key})
    return Prepared(statement.returning(*returning) if returning else statement)


_audit, _alert, _deadline, _timer = Audit.__table__, Alert.__table__, Deadline.__table__, Timer.__table__

ADD_AUDIT = _inserting(_audit)
ADD_ALERT = _inserting(_alert)
_NEW_DEADLINE = {"status": literal_column("'pending'"), "stopped_at": null(), "stopped_by": null(),
                 "overdue_since": null()}
_NEW_TIMER = {"status": literal_column("'pending'"), "fired_at": null(), "flow_run_id": null(), "mirrored": null()}
ADD_DEADLINE = _inserting(_deadline, _deadline.c.id, fixed=_NEW_DEADLINE)
ADD_TIMERS = _inserting(_timer, fixed=_NEW_TIMER)
STOP_DEADLINE = Prepared(update(_deadline).where(_deadline.c.id == bindparam("p_id"), _deadline.c.status == "pending")
                        .values(status=bindparam("p_status"), stopped_at=bindparam("p_at"), stopped_by=bindparam("p_by")))
_OF_SUBJECT = (select(_deadline.c.id, _deadline.c.kind, _deadline.c.label, _deadline.c.status, _deadline.c.due_at,
                      _deadline.c.moved_from)
               .where(_deadline.c.subject_kind == bindparam("kind"), _deadline.c.subject_id == bindparam("subject_id")))
DEADLINES_OF = Prepared(_OF_SUBJECT)
COUNTING_DEADLINES_OF = Prepared(_OF_SUBJECT.where(text("deadline.status IN ('pending', 'met', 'missed')")))


def _p(values: dict) -> dict:
    return {f"p_{key}": value for key, value in values.items()}


def add_audit(session: Session, *, action_id: int | None, subject_kind: str, subject_id: int, at, trigger: str,
              from_state: str | None, to_state: str, actor: str, reason: str | None, payload: dict,
              via: str | None = None) -> None:
    """One audit row (the table refuses updates and deletes)."""
    ADD_AUDIT.run(session, {"p_action_id": action_id, "p_subject_kind": subject_kind, "p_subject_id": subject_id,
                            "p_at": at, "p_trigger": trigger, "p_from_state": from_state, "p_to_state": to_state,
                            "p_actor": actor, "p_reason": reason, "p_payload": payload, "p_via": via})


def add_alert(session: Session, *, action_id: int | None, subject_kind: str, subject_id: int | None, kind: str, source: str,
              recipients: list[str], data: dict, urgent: bool, created_at) -> None:
    """One alert owed; its `source` is unique, so a cause owes it once (IntegrityError otherwise)."""
    ADD_ALERT.run(session, {"p_action_id": action_id, "p_subject_kind": subject_kind, "p_subject_id": subject_id,
                            "p_kind": kind, "p_source": source, "p_recipients": recipients, "p_data": data,
                            "p_urgent": urgent, "p_created_at": created_at, "p_routed_at": None})


def timer_values(*, point: str, seq: int, fire_at, tell) -> dict:
    """A timer of a planned deadline as `add_deadline` takes it; the same for every deadline of one
    plan, so the keeper makes them once a plan."""
    return {"p_point": point, "p_seq": seq, "p_fire_at": fire_at, "p_tell": tell}


def _timers(deadline_id: int, deadline: dict, timers: list[dict]) -> list[dict]:
    of = {"p_deadline_id": deadline_id, "p_action_id": deadline["action_id"],
          "p_subject_kind": deadline["subject_kind"], "p_subject_id": deadline["subject_id"]}
    return [{**timer, **of} for timer in timers]


def add_deadline(session: Session, deadline: dict, timers: list[dict]) -> int:
    """A pending deadline (a dict of its columns, ids of the subject included) and its timers (each
    as `timer_values` makes it)."""
    deadline_id = ADD_DEADLINE.run(session, _p(deadline)).fetchone()[0]
    if timers:
        ADD_TIMERS.run(session, _timers(deadline_id, deadline, timers))
    return deadline_id


_MANY_DEADLINES: dict[int, Prepared] = {}
_BATCH = 200  # rows per multi-row INSERT: 13 parameters a row, far below either server's limit


def _deadlines_insert(n: int) -> Prepared:
    """INSERT of n deadlines in one statement, RETURNING each one's id with what names it (SQLite
    returns the rows in no promised order)."""
    found = _MANY_DEADLINES.get(n)
    if found is None:
        columns = [c for c in _deadline.columns if not c.primary_key and c.key not in _NEW_DEADLINE]
        found = _MANY_DEADLINES[n] = Prepared(  # typed by hand: SQLAlchemy types only the first row's
            insert(_deadline).values([{**_NEW_DEADLINE, **{c.key: bindparam(f"p{i}_{c.key}", type_=c.type)
                                                           for c in columns}} for i in range(n)])
            .returning(_deadline.c.id, _deadline.c.subject_kind, _deadline.c.subject_id, _deadline.c.kind))
    return found


def add_deadlines(session: Session, planned: list[tuple[dict, list[dict]]]) -> list[int]:
    """Pending deadlines with their timers, as `add_deadline` writes one, in a few statements
    whatever their number (a postponed activity re-plans every item of its checklist); returns
    their ids in the order given. Two of them may not name the same subject and kind."""
    if len(planned) == 1:
        return [add_deadline(session, *planned[0])]
    ids = []
    for start in range(0, len(planned), _BATCH):
        chunk = planned[start:start + _BATCH]
        values = {}
        for i, (deadline, _) in enumerate(chunk):
            values.update({f"p{i}_{key}": value for key, value in deadline.items()})
        returned = {(kind, subject_id, rule): deadline_id for deadline_id, kind, subject_id, rule
                    in _deadlines_insert(len(chunk)).run(session, values).fetchall()}
        if len(returned) != len(chunk):
            raise ValueError("two of the deadlines given name the same subject and kind")
        ids += [returned[d["subject_kind"], d["subject_id"], d["kind"]] for d, _ in chunk]
    timers = [timer for deadline_id, (deadline, its) in zip(ids, planned)
              for timer in _timers(deadline_id, deadline, its)]
    if timers:
        ADD_TIMERS.run(session, timers)
    return ids


def add_audits(session: Session, audits: list[dict]) -> None:
    """Audit rows (each as `add_audit` takes its fields) in one statement."""
    if audits:
        ADD_AUDIT.run(session, [_p({"via": None, **audit}) for audit in audits])


def deadlines_of(session: Session, kind: str, subject_id: int) -> list:
    """Every deadline of a subject, whatever its status (id, kind, label, status, due_at, moved_from)."""
    return DEADLINES_OF.all(session, {"kind": kind, "subject_id": subject_id})


def counting_deadlines_of(session: Session, kind: str, subject_id: int) -> list:
    """The deadlines of a subject that still count: pending, met or missed, as `deadlines_of` gives
    them. One cancelled or re-planned counts for nothing, and a subject postponed again and again
    gathers many."""
    return COUNTING_DEADLINES_OF.all(session, {"kind": kind, "subject_id": subject_id})


def stop_deadlines(session: Session, stopped: list[tuple[int, str]], *, at, by: str) -> None:
    """Stop pending deadlines, each with its outcome (met, missed, cancelled, replanned); the store
    cancels their pending timers (migration 0006)."""
    STOP_DEADLINE.run(session, [{"p_id": d, "p_status": status, "p_at": at, "p_by": by} for d, status in stopped])


_UPDATES: dict = {}


def _versioned_update(table, columns: tuple[str, ...]) -> Prepared:
    """UPDATE of these columns WHERE id and version match, built once per set of columns."""
    statement = _UPDATES.get((table.name, columns))
    if statement is None:
        statement = _UPDATES[table.name, columns] = Prepared(
            update(table).where(table.c.id == bindparam("p_row_id"), table.c.version == bindparam("p_old_version"))
            .values(version=bindparam("p_new_version"), **{column: bindparam(f"p_{column}") for column in columns}))
    return statement


def loaded(model, mapping, *, session: Session | None = None):
    """An instance of a table model holding a row read with Core, built without the ORM's loading
    machinery. Without a session it belongs to none (what a transition changes: `save` writes it
    back); with one, it joins it as if the ORM had loaded it, so `session.get` finds it."""
    instance = class_mapper(model).class_manager.new_instance()
    instance_dict(instance).update(mapping)
    if session is not None:
        make_transient_to_detached(instance)
        session.add(instance)
    return instance


_KNOWN = "mieux_known"


def remember(session: Session, row) -> None:
    """Keep a row the write path loaded for the rest of this unit of work (the session's identity
    map holds rows weakly), so the view, the key and the effects find it with a dict lookup."""
    session.info.setdefault(_KNOWN, {})[type(row), row.id] = row


def known(session: Session, model, row_id: int):
    """A row this unit of work remembered, else the session's own (loaded if need be)."""
    kept = session.info.get(_KNOWN)
    return (kept and kept.get((model, row_id))) or session.get(model, row_id)


def snapshot(row) -> dict:
    """A subject row's values as loaded, for `save` to find what changed."""
    return dict(instance_dict(row))


def save(session: Session, row, before: dict) -> None:
    """Write what changed in a subject row since `snapshot`, bumping its version; StaleDataError if
    someone else changed the row meanwhile. A row the ORM loaded leaves the session, so the commit
    does not write it a second time."""
    table = row.__table__
    keys = _EDITABLE.get(table.name) or _EDITABLE.setdefault(
        table.name, frozenset(c.key for c in table.columns if c.key != "version"))
    values = instance_dict(row)
    changed = {key: value for key, value in values.items() if key in keys and value != before.get(key)}
    if changed:
        version = before["version"]
        done = _versioned_update(table, tuple(changed)).run(
            session, {**_p(changed), "p_row_id": row.id, "p_old_version": version, "p_new_version": version + 1})
        if done.rowcount != 1:
            raise StaleDataError(f"{table.name} {row.id} is no longer at version {version}")
        values["version"] = version + 1  # as stored: not a change for the ORM to write again
    if row in session:
        session.expunge(row)


_EDITABLE: dict[str, frozenset[str]] = {}
"""Each table's columns that `save` compares (all but the version), by table name."""
