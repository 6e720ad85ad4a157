"""What must hold of a store whatever happened to it (a process killed mid-change, a server
restarted, a simulated year): the story its tables tell holds together.

- every subject's state is the state its last audit row moved it to (no change half-written);
- no pending deadline lives on a subject that left the states it lives in;
- every deadline its current state started is there (no deadline lost);
- every alert a recorded transition owes is there (no alert lost).
"""
from collections import Counter

from sqlmodel import select

from domain.deadlines import starts
from mieux.subjects import KINDS
from store.db import reading
from store.tables import Alert, Audit, Deadline


def broken_promises(engine, policy) -> list[str]:
    """Every way the store's story does not hold together (empty: it does), in one pass over it."""
    problems = []
    with reading(engine) as session:
        last: dict[tuple[str, int], tuple[str | None, str]] = {}
        # counted, not merely found: two transitions of one subject in one instant (a clock that stands
        # still) owe two alerts, and one of them missing is a broken promise too
        there = Counter(session.exec(select(Alert.subject_kind, Alert.subject_id, Alert.kind, Alert.created_at)))
        owed: Counter = Counter()
        triggers: dict[tuple, str] = {}
        for kind_name, subject_id, trigger, source, dest, at in session.exec(
                select(Audit.subject_kind, Audit.subject_id, Audit.trigger, Audit.from_state, Audit.to_state, Audit.at)
                .order_by(Audit.id)):
            last[kind_name, subject_id] = (source, dest)
            alert = KINDS[kind_name].machine.alerts.get(trigger) if kind_name in KINDS else None
            if alert:
                owed[kind_name, subject_id, alert.alert, at] += 1
                triggers[kind_name, subject_id, alert.alert, at] = trigger
        for (kind_name, subject_id, alert_kind, at), count in owed.items():
            missing = count - there[kind_name, subject_id, alert_kind, at]
            if missing > 0:
                problems.append(f"{kind_name} {subject_id}: {triggers[kind_name, subject_id, alert_kind, at]} at {at} "
                                f"owes {alert_kind}{f' {count} times' if count > 1 else ''}, "
                                f"{missing} missing")
        pending: dict[tuple[str, int], list[str]] = {}
        started = set()
        for kind_name, subject_id, rule_kind, status in session.exec(
                select(Deadline.subject_kind, Deadline.subject_id, Deadline.kind, Deadline.status)):
            started.add((kind_name, subject_id, rule_kind))
            if status == "pending":
                pending.setdefault((kind_name, subject_id), []).append(rule_kind)
        for name, kind in KINDS.items():
            rules = [r for r in policy.deadlines if r.subject == name]
            for row in session.exec(select(kind.table)).all():
                moved = last.get((name, row.id))
                if moved is None or moved[1] != row.state:
                    problems.append(f"{name} {row.id} is {row.state}, its audit says {moved[1] if moved else 'nothing'}")
                    continue
                source, dest = moved
                for rule in rules:
                    if (rule.applies(row) and source != dest and starts(rule, source=source, dest=dest)
                            and (rule.anchor == "entered"
                                 or ("." not in rule.anchor and getattr(row, rule.anchor, None) is not None))
                            and (name, row.id, rule.kind) not in started):
                        problems.append(f"{name} {row.id} entered {row.state} and has no {rule.kind} deadline")
                for rule_kind in pending.get((name, row.id), ()):
                    if row.state not in policy.rule(rule_kind).live_in:
                        problems.append(f"{name} {row.id} is {row.state} with its {rule_kind} deadline pending")
    return problems
