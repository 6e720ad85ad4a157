"""The deadline policy file: validated against the machine and the facility at start-up."""
from datetime import date, datetime, timezone

import pytest

from config.policy import DEFAULT_DEADLINES, calendar
from domain.deadlines import outcome, plan, starts
from domain.errors import ConfigError
from mieux.subjects import checked_policy

RULE = """
deadlines:
  - kind: fiche
    label: Action Fiche due
    process: pre_implementation
    live_in: [{live_in}]
    due: {{days: 21}}
    met_by: [{met_by}]
    on_due: {{tell: [{tell}]}}
"""


def load(tmp_path, facility, live_in="pre_implementation", met_by="submit_fiche", tell="project_officer", text=None):
    path = tmp_path / "deadlines.yaml"
    path.write_text(text or RULE.format(live_in=live_in, met_by=met_by, tell=tell), encoding="utf-8")
    return checked_policy(path, facility)


def test_the_shipped_policy_is_valid(facility):
    policy = checked_policy(DEFAULT_DEADLINES, facility)
    assert {r.kind for r in policy.deadlines} >= {"fiche", "psg_decision", "final_report", "watch_on_hold"}


@pytest.mark.parametrize("change,message", [
    ({"live_in": "drafting"}, "deadlines.0 (fiche).live_in: unknown state 'drafting'"),
    ({"met_by": "sign"}, "deadlines.0 (fiche).met_by: unknown trigger 'sign'"),
    ({"tell": "bob"}, "deadlines.0 (fiche): tell 'bob' is neither a role nor a person of the facility"),
    ({"text": "deadlines: [{kind: X, label: y}]"}, "deadlines.0.kind: String should match pattern"),
    ({"text": "calendar: {country: XX}\ndeadlines: []"}, "calendar:"),
    ({"text": "calendar: {notify_at: '25:00'}\ndeadlines: []"}, "calendar.notify_at: String should match"),
])
def test_a_wrong_policy_is_refused_at_start_up_naming_the_place(tmp_path, facility, change, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load(tmp_path, facility, **change)


def test_a_person_id_may_be_told_as_well_as_a_role(tmp_path, facility):
    assert load(tmp_path, facility, tell="pieter").deadlines[0].on_due.tell == ["pieter"]


def test_moving_within_the_live_states_neither_starts_nor_stops_a_deadline(facility):
    fiche = checked_policy(DEFAULT_DEADLINES, facility).rule("fiche")
    assert starts(fiche, source=None, dest="request")
    assert not starts(fiche, source="request", dest="pre_implementation")
    due = datetime(2026, 3, 23, 8, tzinfo=timezone.utc)
    assert outcome(fiche, trigger="accept", dest="pre_implementation", at=due, due_at=due) is None
    assert outcome(fiche, trigger="submit_fiche", dest="approval", at=due, due_at=due) == "missed"
    assert outcome(fiche, trigger="withdraw", dest="withdrawn", at=due, due_at=due) == "cancelled"


def test_a_plan_lists_reminder_due_and_escalations_in_order(facility):
    policy = checked_policy(DEFAULT_DEADLINES, facility)
    psg = plan(policy.rule("psg_decision"), date(2026, 12, 22), calendar(policy, facility))
    # 10 working days after 22 December, skipping Christmas, the office closures and New Year.
    assert psg.due_on == date(2027, 1, 14)
    assert [(t.point, t.fire_at.date()) for t in psg.timers] == [("due", date(2027, 1, 14)),
                                                                 ("escalation", date(2027, 1, 21))]


def test_a_due_date_on_a_non_working_day_moves_to_the_next_working_day_unless_the_rule_keeps_it(facility):
    from domain.deadlines import DeadlineRule

    policy = checked_policy(DEFAULT_DEADLINES, facility)
    office = calendar(policy, facility)
    fiche = policy.rule("fiche")
    sunday = plan(fiche, date(2026, 7, 26), office)  # 21 days later is Sunday 16 August
    assert (sunday.moved_from, sunday.due_on) == (date(2026, 8, 16), date(2026, 8, 17))
    assert [t.fire_at.date() for t in sunday.timers] == [date(2026, 8, 10), date(2026, 8, 17)]  # reminder follows
    closure = plan(policy.rule("final_report"), date(2026, 12, 1), office)  # 30 days: 31 December, a closure
    assert (closure.moved_from, closure.due_on) == (date(2026, 12, 31), date(2027, 1, 4))  # then New Year, a weekend
    kept = plan(DeadlineRule.model_validate({**fiche.model_dump(), "on_non_working_day": "keep"}), date(2026, 7, 26),
                office)
    assert (kept.moved_from, kept.due_on) == (None, date(2026, 8, 16))
    assert plan(fiche, date(2026, 3, 2), office).moved_from is None  # Monday 23 March: a working day


def test_a_notice_says_when_its_due_date_moved_off_a_non_working_day():
    from zoneinfo import ZoneInfo

    from notifications.templates import render

    message = render("fiche.due", {"reference": "2026-07", "name": "Ghana II", "due_at": "2026-08-17T07:00:00+00:00",
                                   "moved_from": "2026-08-16"}, zone=ZoneInfo("Europe/Brussels"))
    assert "was due on Monday 17 August 2026, 09:00 CEST (moved from Sunday 16 August, not a working day)" in message.text
