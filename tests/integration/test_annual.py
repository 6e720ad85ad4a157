"""The annual report on a generated programme, against counts the test makes itself from the raw
rows: distinct experts (not assignments), participants by sex (registered people where there are
any, else the activity's counts), activities by the region of their Action, Actions by how the
year ended them."""
import json
import random
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, text

from mieux.annual import annual_report
from domain.errors import InvalidInput
from domain.schemas import ActionChanges
from store.tables import Action, Activity, Assignment, Expert, Participant

YEAR = 2025
REGIONS = ["Africa (West)", "Asia", "Latin America and the Caribbean", "EU Neighbourhood (East)"]
TYPES = ["workshop", "training", "study_visit", "seminar"]
ACTIVITY_STATES = ["planned", "preparing", "ready", "delivered", "evaluated", "cancelled"]
ACTION_STATES = ["request", "pre_implementation", "approval", "implementation", "monitoring", "closure", "closed",
                 "rejected", "forwarded", "withdrawn"]
CATEGORIES = ["eu_member_state_administration", "non_eu_administration", "academia"]
UTC = timezone.utc


def generate(engine, seed: int = 7) -> None:
    """Actions received 2023-2026, their activities, 60 experts, assignments and some participants."""
    rng = random.Random(seed)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    actions, activities, experts, assignments, participants = [], [], [], [], []
    for n in range(1, 81):
        received = date(2023, 1, 1) + timedelta(days=rng.randrange(1400))
        state = rng.choice(ACTION_STATES)
        ended = state in ("closed", "rejected", "forwarded", "withdrawn")
        decided = received + timedelta(days=rng.randrange(30, 200)) if rng.random() < 0.7 else None
        actions.append({"id": n, "reference": f"{received.year}-{n:02d}", "name": f"Action {n}", "requester": "x",
                        "requester_type": rng.choice(["national_authority", "judiciary"]),
                        "countries": rng.sample(["GH", "TG", "SN", "PH", "MD", "CR"], rng.randint(1, 2)),
                        "region": rng.choice(REGIONS), "theme": rng.choice(["legal_migration", "horizontal"]),
                        "received_on": received, "state": state, "state_since": now,
                        "closed_on": received + timedelta(days=rng.randrange(10, 500)) if ended else None,
                        "psg_decision_on": decided, "created_at": now, "updated_at": now, "version": 1,
                        "triangular": False})
    for n in range(1, 61):
        experts.append({"id": n, "name": f"Expert {n}", "email": f"e{n}@x.example", "sex": rng.choice(["woman", "man"]),
                        "nationality": "ES", "category": rng.choice(CATEGORIES), "administration": "A",
                        "administration_country": rng.choice(["ES", "FR", "DE"]), "languages": [], "themes": [],
                        "keywords": [], "available": [], "unavailable": [], "consent_on": date(2024, 1, 1),
                        "consent_purpose": "EAR", "version": 1, "updated_at": now,
                        "created_at": datetime(2023, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(1200))})
    activity_id = 0
    for action in actions:
        for number in range(1, rng.randint(1, 5)):
            activity_id += 1
            start = date(2024, 6, 1) + timedelta(days=rng.randrange(700))
            counts = {"women": rng.randrange(20), "men": rng.randrange(20), "other": rng.randrange(2)}
            activities.append({"id": activity_id, "action_id": action["id"], "number": number,
                               "type": rng.choice(TYPES), "title": f"Activity {activity_id}", "start": start,
                               "end": start + timedelta(days=2), "remote": False, "languages": [],
                               "planned_participants": {}, "participants": counts,
                               "deliverables": [{"type": rng.choice(["manual", "strategy"]), "title": "d"}
                                                for _ in range(rng.randrange(3))],
                               "state": rng.choice(ACTIVITY_STATES), "state_since": now, "created_at": now,
                               "updated_at": now, "version": 1})
            for expert_id in rng.sample(range(1, 61), rng.randint(0, 3)):
                assignments.append({"action_id": action["id"], "activity_id": activity_id, "expert_id": expert_id,
                                    "state": rng.choice(["deployed", "completed", "declined", "accepted"]),
                                    "state_since": now, "created_at": now, "updated_at": now, "version": 1})
            if rng.random() < 0.3:  # registered people, which count instead of the activity's numbers
                participants += [{"action_id": action["id"], "activity_id": activity_id, "name": f"P{k}",
                                  "email": f"p{activity_id}-{k}@x.example", "created_at": now,
                                  "sex": rng.choice(["woman", "man", "undisclosed"])} for k in range(rng.randrange(6))]
    with engine.begin() as connection:
        for table, values in ((Action, actions), (Expert, experts), (Activity, activities),
                              (Assignment, assignments), (Participant, participants)):
            if values:
                connection.execute(insert(table.__table__), values)
        if engine.dialect.name == "postgresql":
            for table in ("action", "expert", "activity"):
                connection.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))


def rows(engine, sql: str) -> list:
    with engine.connect() as connection:
        return connection.execute(text(sql)).all()


def test_the_annual_figures_equal_counts_made_from_the_raw_rows(engine, facility):
    generate(engine)
    report = annual_report(engine, YEAR, zone=facility.zone)
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)

    actions = rows(engine, "SELECT id, received_on, region, state, closed_on, psg_decision_on, countries FROM action")
    day = (lambda v: v if isinstance(v, date) else date.fromisoformat(v))
    assert report["requests_received"] == sum(1 for a in actions if first <= day(a.received_on) <= last)
    ended = Counter(a.state for a in actions if a.closed_on and first <= day(a.closed_on) <= last)
    assert report["actions"]["completed"] == ended["closed"] and report["actions"]["rejected"] == ended["rejected"]
    open_at_end = [a for a in actions if day(a.received_on) <= last and not (a.closed_on and day(a.closed_on) <= last)]
    approved = [a for a in open_at_end
                if (day(a.psg_decision_on) <= last
                    and a.state not in ("request", "pre_implementation", "approval", "rejected", "forwarded")
                    if a.psg_decision_on
                    else a.state in ("implementation", "monitoring", "closure", "closed"))]
    assert report["actions"]["ongoing"] == len(approved)
    assert report["actions"]["in_preparation"] == len(open_at_end) - len(approved)

    held = rows(engine, "SELECT t.id, t.type, a.region FROM activity t JOIN action a ON a.id = t.action_id "
                        f"WHERE t.state IN ('delivered', 'evaluated') AND t.start BETWEEN '{first}' AND '{last}'")
    assert report["activities_organised"] == len(held) > 0
    assert report["activities_by_region"] == dict(sorted(Counter(h.region for h in held).items(),
                                                         key=lambda kv: (-kv[1], kv[0])))
    assert sum(report["activities_by_month"].values()) == len(held)
    ids = ",".join(str(h.id) for h in held)
    experts = rows(engine, "SELECT DISTINCT e.id, e.sex, e.category FROM assignment s JOIN expert e ON "
                           f"e.id = s.expert_id WHERE s.activity_id IN ({ids}) AND s.state IN ('deployed', 'completed')")
    placements = rows(engine, f"SELECT count(*) FROM assignment WHERE activity_id IN ({ids}) "
                              "AND state IN ('deployed', 'completed')")[0][0]
    assert report["experts_deployed"] == len(experts) < placements  # people, not assignments
    assert report["experts_by_sex"] == dict(sorted(Counter(e.sex for e in experts).items(),
                                                   key=lambda kv: (-kv[1], kv[0])))
    eu = sum(1 for e in experts if e.category == "eu_member_state_administration")
    assert report["experts_from_eu_administrations_share"] == round(eu / len(experts), 3)

    registered = {r.activity_id: r for r in rows(
        engine, "SELECT activity_id, sum(CASE WHEN sex = 'woman' THEN 1 ELSE 0 END) AS women, "
                "sum(CASE WHEN sex = 'man' THEN 1 ELSE 0 END) AS men, count(*) AS total FROM participant "
                f"WHERE activity_id IN ({ids}) GROUP BY activity_id")}
    counted = {r.id: r.participants for r in rows(engine, f"SELECT id, participants FROM activity WHERE id IN ({ids})")}
    women = sum(registered[i].women if i in registered else _json(counted[i])["women"] for i in counted)
    total = sum(registered[i].total if i in registered else sum(_json(counted[i]).values()) for i in counted)
    assert (report["participants"]["women"], report["participants"]["total"]) == (women, total)
    assert report["countries_benefited"] == sorted({c for a in actions for c in _json(a.countries)
                                                    if a.id in {r.id for r in rows(engine, "SELECT DISTINCT action_id "
                                                    f"AS id FROM activity WHERE id IN ({ids})")}})
    pool = rows(engine, "SELECT created_at FROM expert")
    at_end = sum(1 for p in pool if _moment(p.created_at).date() <= last)
    assert report["expert_pool"]["at_year_end"] == at_end
    assert report["expert_pool"]["added_in_year"] == sum(1 for p in pool if _moment(p.created_at).year == YEAR)


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _moment(value) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_a_year_outside_the_programmes_range_is_refused_and_an_empty_year_has_no_shares(engine, facility):
    with pytest.raises(InvalidInput, match="20266 is not a year"):
        annual_report(engine, 20266, zone=facility.zone)
    empty = annual_report(engine, 2030, zone=facility.zone)
    assert empty["activities_organised"] == empty["experts_deployed"] == empty["participants"]["total"] == 0
    assert empty["experts_from_eu_administrations_share"] is None and empty["participants"]["women_share"] is None


def test_a_decision_date_recorded_before_the_psg_approves_does_not_make_an_action_ongoing():
    from domain.annual import ActionRecord, compute_annual

    def action(state, decided):
        return ActionRecord("2026-01", "x", date(2026, 3, 1), "Asia", "national_authority", "horizontal", ("PH",),
                            state, None, decided)

    counted = compute_annual(2026, actions=[action("approval", date(2026, 12, 20)),
                                            action("implementation", date(2026, 12, 20)),
                                            action("monitoring", None), action("pre_implementation", None)],
                             activities=[], deployments=[], experts_added=[])["actions"]
    assert (counted["ongoing"], counted["in_preparation"]) == (2, 2)


def test_an_action_closed_just_after_midnight_in_the_office_closed_that_day(service, clock):
    from tests.helpers import new_action_in

    reference = new_action_in(service, "closure")
    clock.set(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # 00:30 on 1 January in Brussels
    service.edit("action", reference, ActionChanges(final_report="Done.", lessons_learnt="Many."), actor="ana")
    assert service.fire(reference, "close", actor="ana").closed_on == date(2027, 1, 1)
