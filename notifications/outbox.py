"""The outbox: alerts become deliveries, and a dispatcher sends them after the commit.

route     an alert (written in the transaction that caused it) becomes one delivery per person
          and preferred channel, keyed `<alert source>:<person>:<channel>` (unique), in one
          transaction; non-urgent kinds wait for the person's daily digest if they chose one.
claim     a dispatcher marks due deliveries `sending` with its id and the time, exclusively
          (BEGIN IMMEDIATE on SQLite, FOR UPDATE SKIP LOCKED on PostgreSQL), and commits.
send      after the commit, outside any transaction, several at a time; while a round sends, a
          heartbeat renews its claims every third of the lease, so a live dispatcher keeps them.
record    as soon as each send returns, in its own transaction: sent, or back to pending with
          exponential backoff, or `dead` when the retry budget is spent (and an `outbox.dead`
          alert to the admin channel, one per death). A record that fails is logged and does not
          stop the others; its delivery stays `sending` until its lease expires.

The one window for a duplicate: a dispatcher that dies after a service accepted a message and
before it recorded `sent`. The delivery stays `sending`; once its lease expires another dispatcher
sends it again. Only the messages in flight at that instant (at most one per worker) can be sent
twice, never the rest of the round, and nothing is lost.
"""
import logging
import threading
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, text, update
from sqlmodel import select

from config.facility import Facility
from domain.clock import Clock
from domain.errors import InvalidInput, NotFound
from domain.model import Role
from notifications.channels import Channels, DeliveryFailed
from notifications.directory import EXTERNAL, Directory, Recipient
from notifications.templates import Message, digest, render
from store.db import reading, transaction
from store.tables import Alert, Delivery

ADMIN = "admin"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxPolicy:
    """How hard and how fast the dispatcher tries."""

    max_attempts: int = 16
    backoff_seconds: float = 10.0
    backoff_cap_seconds: float = 600.0
    lease_seconds: float = 300.0
    batch: int = 500
    workers: int = 4

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.backoff_seconds * 2 ** (attempts - 1), self.backoff_cap_seconds))


@dataclass(frozen=True)
class Dispatched:
    routed: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0


@dataclass
class _Job:
    deliveries: list[Delivery]
    alerts: list[Alert]
    message: Message | None = None
    error: str | None = None


class Outbox:
    """Routes and sends alerts; any number of these may run at once over one store."""

    def __init__(self, *, engine, facility: Facility, channels: Channels, clock: Clock, directory: Directory | None = None,
                 policy: OutboxPolicy = OutboxPolicy(), ui_url: str | None = None, after_send=None,
                 links=None):
        self.engine, self.facility, self.channels, self.clock = engine, facility, channels, clock
        self.directory = directory or Directory(facility)
        self.policy, self.ui_url = policy, ui_url
        self.links = links
        """Makes a form link's address from the nonce an alert carries (notifications.links.FormLinks):
        the token exists only in the message being sent, never in the store."""
        self.after_send = after_send  # a hook for tests of the crash window; None in production
        self.me = uuid.uuid4().hex[:12]

    # -- route ---------------------------------------------------------------------------------
    def route(self) -> int:
        """Turn every unrouted alert into deliveries."""
        now = self.clock.now()
        query = select(Alert).where(text("alert.routed_at IS NULL")).order_by(Alert.id).limit(self.policy.batch)
        if self.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        with transaction(self.engine) as session:
            alerts = session.exec(query).all()
            rows = []
            for alert in alerts:
                for person, channel in self._addresses(alert):
                    digest = self._digest_time(person, alert, now)
                    rows.append({"alert_id": alert.id, "person": person, "channel": channel,
                                 "key": f"{alert.source}:{person}:{channel}", "digest": digest is not None,
                                 "next_attempt_at": digest or now, "status": "pending", "attempts": 0})
                alert.routed_at = now
            if rows:  # a delivery that exists already (routed before) is left as it is
                session.execute(_insert(self.engine)(Delivery).values(rows).on_conflict_do_nothing(
                    index_elements=["key"]))
        return len(alerts)

    def _addresses(self, alert: Alert) -> list[tuple[str, str]]:
        if alert.kind == "outbox.dead" and ADMIN in self.channels.services:
            return [(ADMIN, ADMIN)]
        pairs = []
        for person_id in alert.recipients:
            person = self.directory.recipient(person_id)
            channels = person.channels if person else ["email"]  # unknown: its delivery fails, visibly
            pairs += [(person_id, channel) for channel in channels]
        return pairs

    def _digest_time(self, person_id: str, alert: Alert, now: datetime) -> datetime | None:
        person = self.directory.recipient(person_id)
        if alert.urgent or person is None or person.digest_at is None:
            return None
        zone = person.zone
        local = now.astimezone(zone)
        hours, minutes = map(int, person.digest_at.split(":"))
        at = datetime.combine(local.date(), time(hours, minutes), zone)
        return (at if at > local else at + timedelta(days=1)).astimezone(now.tzinfo)

    # -- dispatch ------------------------------------------------------------------------------
    def dispatch(self) -> Dispatched:
        """Route, reclaim expired leases, claim what is due, send it, record each outcome as it comes."""
        routed = self.route()
        jobs = self._claim()
        if not jobs:
            return Dispatched(routed)
        outcomes = Counter()
        with self._renewing([d.id for job in jobs for d in job.deliveries]), \
                ThreadPoolExecutor(max_workers=self.policy.workers) as pool:
            for recorded in pool.map(self._work, jobs):
                outcomes.update(recorded)
        return Dispatched(routed, outcomes["sent"], outcomes["pending"], outcomes["dead"])

    @contextmanager
    def _renewing(self, ids: list[int]):
        """While the round runs, renew the lease of its deliveries still `sending` every third of it."""
        stop = threading.Event()

        def beat():
            while not stop.wait(self.policy.lease_seconds / 3):
                try:
                    with transaction(self.engine) as session:
                        session.exec(update(Delivery).where(
                            Delivery.id.in_(ids), Delivery.claimed_by == self.me, text("delivery.status = 'sending'"))
                            .values(claimed_at=self.clock.now()).execution_options(synchronize_session=False))
                except Exception as error:  # the next beat tries again
                    log.warning("outbox: could not renew the lease: %s", self.channels.redact(str(error)))

        heart = threading.Thread(target=beat, name="mieux-outbox-lease", daemon=True)
        heart.start()
        try:
            yield
        finally:
            stop.set()
            heart.join()

    def _claim(self) -> list[_Job]:
        now = self.clock.now()
        lease = now - timedelta(seconds=self.policy.lease_seconds)
        configured = self.channels.names
        if not configured:
            return []
        due = (select(Delivery, Alert).join(Alert, Delivery.alert_id == Alert.id)
               .where(text("delivery.status = 'pending'"), Delivery.next_attempt_at <= now,
                      Delivery.channel.in_(configured)).order_by(Delivery.next_attempt_at).limit(self.policy.batch))
        if self.engine.dialect.name == "postgresql":
            due = due.with_for_update(of=Delivery, skip_locked=True)
        with transaction(self.engine) as session:
            session.exec(update(Delivery).where(text("delivery.status = 'sending'"), Delivery.claimed_at < lease)
                         .values(status="pending", claimed_by=None).execution_options(synchronize_session=False))
            rows = session.exec(due).all()
            for delivery, _ in rows:
                delivery.status, delivery.claimed_by, delivery.claimed_at = "sending", self.me, now
        groups: dict[tuple, list] = defaultdict(list)
        for delivery, alert in rows:  # a person's due digest items travel as one message
            key = ("digest", delivery.person, delivery.channel) if delivery.digest else ("single", delivery.id)
            groups[key].append((delivery, alert))
        return [_Job([d for d, _ in group], [a for _, a in group]) for group in groups.values()]

    def _work(self, job: _Job) -> list[str]:
        """Send one message, then record each of its deliveries at once, each on its own."""
        self._send(job)
        outcomes = []
        for delivery in job.deliveries:
            try:
                outcomes.append(self._record(delivery, job.error))
            except Exception as error:  # its lease will expire and it is sent again; the others go on
                log.error("outbox: could not record delivery %s: %s", delivery.id,
                          self.channels.redact(f"{type(error).__name__}: {error}"))
        return outcomes

    def _send(self, job: _Job) -> _Job:
        first = job.deliveries[0]
        person = self.directory.recipient(first.person)
        try:
            if person is None and first.person != ADMIN:
                raise DeliveryFailed(self.directory.unreachable(first.person))
            job.message = self._message(job, person)
            if _is_email(self.channels, first.channel):
                self.channels.send(first.channel, title=job.message.subject, body=job.message.html, html=True,
                                   email=person.email if person else None)
            else:  # chat: one post that starts by naming the person, so their client notifies them
                mention = (person.chat or person.name) if person else first.person
                self.channels.send(first.channel, title="", body=f"{mention} {job.message.subject}\n\n"
                                                                f"{job.message.text}", html=False)
        except DeliveryFailed as error:
            job.error = str(error)
        except Exception as error:  # a service raising is a failure like any other, never a crash
            job.error = self.channels.redact(f"{type(error).__name__}: {error}")
        if self.after_send and job.error is None:
            self.after_send(job.deliveries)
        return job

    def _message(self, job: _Job, person: Recipient | None) -> Message:
        """The message for one delivery (or a digest), in the reader's time zone, with the next step
        of their role (the admin channel reads the default one)."""
        def one(alert: Alert) -> Message:
            data = alert.data
            if data.get("link_nonce") and self.links is not None and person and EXTERNAL & person.roles:
                # the link is the respondent's own: never rendered for the team or the admin channel
                data = {**data, "form_url": self.links.url(data["link_nonce"], data.get("link_path") or "f")}
            return render(alert.kind, data, zone=person.zone if person else self.facility.zone,
                          roles=person.roles if person else (), facility=self.facility.name,
                          ui_url=None if person and EXTERNAL & person.roles else self.ui_url,
                          tolerant=True)  # an alert written before its kind carried a fact still goes

        if len(job.alerts) == 1:
            return one(job.alerts[0])
        return digest([one(a) for a in job.alerts], facility=self.facility.name)

    def _record(self, delivery: Delivery, error: str | None) -> str:
        now = self.clock.now()
        with transaction(self.engine) as session:
            row = session.get(Delivery, delivery.id, with_for_update=True)  # locked: a lease lost meanwhile is seen
            if row is None or row.status != "sending" or row.claimed_by != self.me:
                return "lost-lease"
            row.attempts += 1
            row.claimed_by = row.claimed_at = None
            if error is None:
                row.status, row.sent_at, row.last_error = "sent", now, None
                return "sent"
            row.last_error = error[:500]
            if row.attempts >= self.policy.max_attempts:
                row.status = "dead"
                self._report_dead(session, row, now)
                return "dead"
            row.status, row.next_attempt_at = "pending", now + self.policy.backoff(row.attempts)
            return "pending"

    def _report_dead(self, session, delivery: Delivery, now: datetime) -> None:
        alert = session.get(Alert, delivery.alert_id)
        if alert.kind == "outbox.dead":
            return  # the admin channel itself failing is visible in `mieux outbox --failed`
        admins = self.directory.with_role(Role.admin)
        source = f"dead:{delivery.id}"  # a report per death: `mieux outbox retry` can make it die again
        deaths = session.exec(select(func.count()).select_from(Alert).where(
            (Alert.source == source) | Alert.source.startswith(f"{source}:"))).one()
        session.add(Alert(action_id=alert.action_id, subject_kind=alert.subject_kind, subject_id=alert.subject_id,
                          kind="outbox.dead", source=f"{source}:{deaths + 1}",
                          recipients=admins, urgent=True, created_at=now, data={
                              "reference": alert.data.get("reference", ""), "name": alert.data.get("name", ""),
                              "failed_kind": alert.kind, "person": delivery.person, "channel": delivery.channel,
                              "attempts": delivery.attempts, "error": delivery.last_error, "delivery": delivery.id}))

    # -- admin ---------------------------------------------------------------------------------
    def retry(self, delivery_id: int) -> Delivery:
        """Send a dead (or waiting) delivery again, now, with a fresh retry budget."""
        with transaction(self.engine) as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None:
                raise NotFound(f"no delivery {delivery_id}")
            if delivery.status in ("sent", "sending"):
                raise InvalidInput(f"delivery {delivery_id} is {delivery.status}: nothing to retry")
            delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, self.clock.now()
            return delivery

    def deliveries(self, *, failed_only: bool = False, limit: int = 200) -> list[tuple[Delivery, Alert]]:
        """The newest deliveries (with errors first when only failures are wanted)."""
        query = select(Delivery, Alert).join(Alert, Delivery.alert_id == Alert.id).order_by(Delivery.id.desc())
        if failed_only:
            query = query.where((Delivery.status == "dead") | (Delivery.last_error.is_not(None)))
        with reading(self.engine) as session:
            return list(session.exec(query.limit(limit)))


def _insert(engine):
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _is_email(channels: Channels, channel: str) -> bool:
    return any(url.split("://", 1)[0].lower() in ("mailto", "mailtos") for url in channels.services.get(channel, []))

