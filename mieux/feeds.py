"""People's calendar feeds: a token per person, kept only as its hash, and the calendar it opens.

A feed URL is the only credential a calendar application can carry, so the token is long and
random (256 bits), shown once, stored as its SHA-256, and revocable; issuing a new one revokes the
old. A wrong, revoked or malformed token opens nothing, and the answer is the same whether or not
the person exists.
"""
import hashlib
import re
import secrets
from datetime import date, timedelta

from sqlmodel import select

from config.facility import Facility
from domain.errors import NotPermitted
from mieux.ical import entries, render
from store.db import reading, transaction
from store.tables import CalendarToken

ISSUERS = {"programme_manager", "admin"}
"""Who may issue or revoke someone else's feed (anyone may their own)."""
SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")
DAYS_BACK = 365


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check(facility: Facility, actor: str, person: str, what: str) -> None:
    facility.person(person)
    roles = {str(r) for r in facility.person(actor).roles}
    if actor != person and not roles & ISSUERS:
        raise NotPermitted(f"cannot {what} {person}'s calendar feed: only {person}, a programme_manager or an admin "
                           f"may, and {actor} is {' and '.join(sorted(roles))}")


def issue(engine, facility: Facility, *, person: str, actor: str, now) -> str:
    """A new feed token for `person` (their old one stops working); the only time it is seen."""
    _check(facility, actor, person, "issue")
    token = secrets.token_urlsafe(32)
    with transaction(engine) as session:
        _revoke(session, person, actor, now)
        session.add(CalendarToken(person=person, token_hash=digest(token), created_at=now, created_by=actor))
    return token


def revoke(engine, facility: Facility, *, person: str, actor: str, now) -> int:
    """Stop `person`'s feed; how many live tokens were revoked (0 or 1)."""
    _check(facility, actor, person, "revoke")
    with transaction(engine) as session:
        return _revoke(session, person, actor, now)


def _revoke(session, person: str, actor: str, now) -> int:
    live = session.exec(select(CalendarToken).where(CalendarToken.person == person,
                                                    CalendarToken.revoked_at.is_(None))).all()
    for row in live:
        row.revoked_at, row.revoked_by = now, actor
    return len(live)


def feed(engine, facility: Facility, token: str, *, today: date) -> bytes | None:
    """The calendar a token opens (the last year and ahead), or None for any token that opens nothing."""
    if not SHAPE.match(token):
        return None
    with reading(engine) as session:
        person = session.exec(select(CalendarToken.person).where(CalendarToken.token_hash == digest(token),
                                                                 CalendarToken.revoked_at.is_(None))).first()
    if person is None or not any(p.id == person for p in facility.people):
        return None
    found = entries(engine, facility=facility, person=person, start=today - timedelta(days=DAYS_BACK))
    return render(found, name=f"MIEUX {person}")
