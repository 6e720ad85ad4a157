"""The team's calendar as an iCalendar file: it parses, holds the missions and deadlines with UIDs of
the engine's own ids, and a newer export after a postponement updates the same events."""
from datetime import date

import pytest
from icalendar import Calendar

from domain.activities import ActivityChanges
from domain.assignments import AssignmentIn
from domain.errors import NotFound
from mieux.ical import entries, render
from tests.helpers import new_action_in
from tests.integration.test_logistics import add, expert, wired  # noqa: F401 - the fixture


def events(engine, facility, **scope) -> dict[str, dict]:
    document = Calendar.from_ical(render(entries(engine, facility=facility, **scope), name="MIEUX"))
    return {str(e["UID"]): {"summary": str(e["SUMMARY"]), "start": e.decoded("DTSTART"), "end": e.decoded("DTEND"),
                            "sequence": int(e["SEQUENCE"]), "status": str(e.get("STATUS", "CONFIRMED"))}
            for e in document.walk("VEVENT")}


def test_a_newer_export_after_a_postponement_has_the_same_uids_with_a_higher_sequence(wired, engine, facility):  # noqa: F811
    reference = new_action_in(wired, "implementation")
    key = add(wired, reference)
    wired.transition("activity", key, "prepare", actor="ana")
    first = events(engine, facility)
    activity_id = wired.subject("activity", key).id
    mission = first[f"activity-{activity_id}@mieux-engine"]
    assert (mission["summary"], mission["start"], mission["end"], mission["status"]) == (
        f"{key} Workshop on labour migration (Ghana II)", date(2026, 6, 8), date(2026, 6, 11), "CONFIRMED")
    venue = next(uid for uid, e in first.items() if e["summary"] == f"Venue to be booked: {key}/L1")
    assert first[venue]["start"].isoformat() == "2026-05-11T07:00:00+00:00"  # 09:00 in Brussels, in UTC

    wired.transition("activity", key, "postpone", actor="ana", reason="elections",
                     changes=ActivityChanges(start=date(2026, 9, 7), end=date(2026, 9, 9)))
    second = events(engine, facility)
    assert set(first) <= set(second)  # the same events: a calendar updates them instead of adding copies
    moved = second[f"activity-{activity_id}@mieux-engine"]
    assert moved["start"] == date(2026, 9, 7) and moved["sequence"] > mission["sequence"]
    assert second[venue]["start"].date() == date(2026, 8, 10) and second[venue]["sequence"] == first[venue]["sequence"] + 1

    wired.transition("activity", key, "cancel", actor="ana", reason="the partner withdrew")
    third = events(engine, facility)
    assert third[f"activity-{activity_id}@mieux-engine"]["status"] == "CANCELLED"
    assert third[venue]["status"] == "CANCELLED"  # the item's deadline was cancelled with its activity


def test_a_calendar_for_one_person_or_one_action_holds_only_theirs(wired, engine, facility, clock):  # noqa: F811
    mine = new_action_in(wired, "implementation")
    other = new_action_in(wired, "implementation", project_officer="lea")
    key = add(wired, mine)
    add(wired, other, actor="lea", title="Someone else's workshop")
    spaniard = expert(engine, facility, clock, "Maria Garcia", "maria.garcia@interior.es", "ES")
    wired.propose_expert(key, AssignmentIn.model_validate({"expert": spaniard, "working_days": 3,
                                                           "fee_per_day": "450"}), actor="ana")
    wired.transition("assignment", f"{key}/{spaniard}", "invite", actor="ana")
    anas = [e["summary"] for e in events(engine, facility, person="ana").values()]
    assert f"{key} Workshop on labour migration (Ghana II)" in anas and not [s for s in anas if other in s]
    assert not [s for s in events(engine, facility, action=other).values() if mine in s["summary"]]
    theirs = [e["summary"] for e in events(engine, facility, person=spaniard).values()]
    assert theirs == [f"{key} Workshop on labour migration (Ghana II)",
                      f"Expert's answer to the invitation due: {key}/{spaniard}"]
    assert len(events(engine, facility, person="marta")) > len(anas)  # the logistics assistant sees every Action
    with pytest.raises(NotFound):
        entries(engine, facility=facility, person="nobody")
    assert events(engine, facility, start=date(2027, 1, 1)) == {}
