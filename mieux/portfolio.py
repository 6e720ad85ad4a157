"""Bring the programme's history in, take the portfolio out, and report on it."""
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlmodel import select

from domain.errors import ImportRejected, InvalidInput
from domain.portfolio import PortfolioRow, read_portfolio, write_portfolio
from domain.report import compute_report
from mieux.service import ActionService
from mieux.subjects import ACTIONS
from states.action import IMPORTERS
from store.db import transaction
from store.tables import Action, Audit, ReferenceCounter


@dataclass(frozen=True)
class Imported:
    """What an import did."""

    created: int
    updated: int


def import_portfolio(service: ActionService, path: Path, *, actor: str, update: bool = False) -> Imported:
    """Place every row directly in its state, audited as imported; one bad row imports nothing.

    With `update`, an Action the engine has moved (through a trigger) keeps its state and closing
    date: only the machine changes those, and a row that would is refused."""
    service.require(actor, IMPORTERS, "import a portfolio")
    text = _read_text(path)
    machine, today = service.machine, service.clock.now().astimezone(service.facility.zone).date()
    rows = read_portfolio(text, source=str(path), region_label=service.facility.region,
                          states=machine.states, terminal=machine.terminal, today=today)
    service.prepare()
    now = service.clock.now()
    with transaction(service.engine) as session:
        existing = _existing(session, [r.reference for r in rows])
        if existing and not update:
            raise ImportRejected(str(path), [
                f"line {r.line}, column reference: {r.reference} already exists (use --update to replace it)"
                for r in rows if r.reference in existing])
        if problems := _moves_around_the_machine(session, rows, existing):
            raise ImportRejected(str(path), problems)
        placed = []
        for r in rows:
            fields, action = _fields(r, service.facility.zone, now), existing.get(r.reference)
            before = action.state if action else None
            if action is None:
                action = Action(**fields, created_at=now)
                session.add(action)
            else:
                if before == r.status:
                    del fields["state_since"]
                else:
                    fields["suspended_from"] = None
                for name, value in fields.items():
                    setattr(action, name, value)
            placed.append((r, action, before))
        session.flush()
        for r, action, before in placed:
            service.record(session, action, service.event(
                ACTIONS, session, action, "import", before, action.state, actor, now,
                payload={"file": Path(path).name, "line": r.line}))
        _advance_counters(session, rows)
    return Imported(created=len(rows) - len(existing), updated=len(existing))


def export_portfolio(service: ActionService, path: Path) -> int:
    """Write every Action as a portfolio row; returns how many."""
    actions = service.actions()
    rows = [PortfolioRow(a.reference, a.name, a.requester, a.requester_type, tuple(a.countries), a.region,
                         a.theme, a.received_on, a.state, a.closed_on) for a in actions]
    try:
        Path(path).write_text(write_portfolio(sorted(rows, key=lambda r: r.year_and_sequence)), encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror}") from None
    return len(rows)


REPORTED = ("state", "received_on", "region", "countries", "theme", "requester_type", "fiche_submitted_at")
"""What the report reads of each Action (also what a store at an older revision has)."""


def report(service: ActionService, *, start: date | None = None, end: date | None = None) -> dict:
    """The programme's figures for requests received in the period, statuses as of now."""
    if start and end and end < start:
        raise InvalidInput(f"the period ends ({end}) before it starts ({start})")
    return compute_report(service.summaries(columns=REPORTED), zone=service.facility.zone, start=start, end=end)


def _read_text(path: Path) -> str:
    from config.files import read_text

    return read_text(path, what="the portfolio", error=InvalidInput, limit=50_000_000)


def _existing(session, references: list[str]) -> dict[str, Action]:
    found = {}
    for i in range(0, len(references), 500):
        chunk = references[i:i + 500]
        found |= {a.reference: a for a in session.exec(select(Action).where(Action.reference.in_(chunk)))}
    return found


def _moves_around_the_machine(session, rows: list[PortfolioRow], existing: dict[str, Action]) -> list[str]:
    """Rows that would change the state or closing date of an Action the engine has moved."""
    ids = [a.id for a in existing.values()]
    moved = set()
    for i in range(0, len(ids), 500):
        moved |= set(session.exec(select(Audit.action_id).where(
            Audit.action_id.in_(ids[i:i + 500]), Audit.subject_kind == "action",
            Audit.trigger.not_in(("import", "update", "replan"))).distinct()))
    problems = []
    for r in rows:
        action = existing.get(r.reference)
        if action is None or action.id not in moved:
            continue
        if r.status != action.state:
            problems.append(f"line {r.line}, column status: {r.reference} is in {action.state}, where the engine's "
                            f"triggers put it; only a trigger moves it (mieux action fire)")
        elif r.closed_on != action.closed_on:
            problems.append(f"line {r.line}, column closed_on: {r.reference} ended on {action.closed_on or 'no date'} "
                            "by a trigger; the machine keeps that date")
    return problems


def _fields(row: PortfolioRow, zone, now: datetime) -> dict:
    ended = datetime.combine(row.closed_on, time(), zone) if row.closed_on else None
    return {"reference": row.reference, "name": row.name, "requester": row.requester,
            "requester_type": row.requester_type, "countries": list(row.countries), "region": row.region,
            "theme": row.theme, "received_on": row.received_on, "state": row.status,
            "closed_on": row.closed_on, "state_since": ended or now, "updated_at": now}


def _advance_counters(session, rows: list[PortfolioRow]) -> None:
    """Imported references are taken: new requests of those years number after them."""
    highest: dict[int, int] = {}
    for r in rows:
        year, sequence = r.year_and_sequence
        highest[year] = max(highest.get(year, 0), sequence)
    counters = {c.year: c for c in session.exec(select(ReferenceCounter).where(
        ReferenceCounter.year.in_(list(highest))).with_for_update())}
    for year, sequence in highest.items():
        counter = counters.get(year) or ReferenceCounter(year=year, last=0)
        counter.last = max(counter.last, sequence)
        session.add(counter)
