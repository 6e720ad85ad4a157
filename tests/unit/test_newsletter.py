"""The month's newsletter as pure functions: which month, the month's figures counted by hand, and
the text (no one named; the empty month said in words, not left blank)."""
from datetime import date

import pytest

from domain.annual import ActionRecord, ActivityRecord, DeploymentRecord, compute_period
from domain.errors import InvalidInput
from domain.newsletter import Closed, Coming, month_of, newsletter, next_month, place, previous_month

MARCH, LAST = date(2026, 3, 1), date(2026, 3, 31)


def action(reference, received_on, state="implementation", closed_on=None):
    return ActionRecord(reference, f"Action {reference}", received_on, "Africa (West)", "national_authority",
                        "legal_migration", ("GH",), state, closed_on, None)


def test_months_are_named_by_year_and_number_and_the_year_turns():
    assert month_of(" 2026-03 ") == MARCH
    assert previous_month(date(2026, 1, 1)) == date(2025, 12, 1) and previous_month(date(2026, 3, 31)) == date(2026, 2, 1)
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    for bad in ("2026-3", "2026-00", "2026-13", "March 2026", ""):
        with pytest.raises(InvalidInput, match="is not a month: give its year and number, like 2026-11"):
            month_of(bad)


def test_the_months_figures_count_what_the_year_counts_within_the_month():
    actions = [action("2026-01", date(2026, 2, 27), "closed", date(2026, 3, 2)),
               action("2026-02", date(2026, 3, 1)), action("2026-03", date(2026, 3, 31), "rejected", date(2026, 3, 31)),
               action("2026-04", date(2026, 4, 1))]
    activities = [ActivityRecord(1, "workshop", date(2026, 3, 1), "delivered", "Africa (West)", ("GH",),
                                 {"women": 10, "men": 8}),
                  ActivityRecord(2, "training", date(2026, 3, 31), "evaluated", "Asia", ("PK", "GH"),
                                 registered={"woman": 3, "man": 2, "undisclosed": 1}),
                  ActivityRecord(3, "workshop", date(2026, 3, 15), "ready", "Asia", ("NP",), {"women": 50}),
                  ActivityRecord(4, "workshop", date(2026, 4, 1), "delivered", "Asia", ("LK",), {"women": 50})]
    deployments = [DeploymentRecord(1, 17, "deployed", "eu_member_state_administration", "PT", "woman"),
                   DeploymentRecord(2, 17, "completed", "eu_member_state_administration", "PT", "woman"),
                   DeploymentRecord(2, 18, "completed", "academia", "ES", "man"),
                   DeploymentRecord(1, 19, "declined", "academia", "ES", "man"),
                   DeploymentRecord(4, 20, "deployed", "academia", "ES", "man")]
    figures = compute_period(MARCH, LAST, actions=actions, activities=activities, deployments=deployments)
    assert figures == {"from": "2026-03-01", "to": "2026-03-31", "requests_received": 2, "actions_completed": 1,
                       "activities_held": 2, "activities_by_type": {"training": 1, "workshop": 1},
                       "countries_benefited": ["GH", "PK"],
                       "participants": {"total": 24, "women": 13, "men": 10, "other": 1}, "experts_deployed": 2}


def test_the_text_tells_the_month_in_words_and_names_no_one():
    figures = {"requests_received": 1, "actions_completed": 1, "activities_held": 3,
               "activities_by_type": {"workshop": 2, "fact_finding_mission": 1}, "countries_benefited": ["GH", "BO"],
               "participants": {"total": 40, "women": 22, "men": 18, "other": 0}, "experts_deployed": 1}
    title, text = newsletter(MARCH, facility="MIEUX", figures=figures,
                             closed=[Closed("Ghana II", "Ghana Immigration Service", ("GH", "TG"))],
                             coming=[Coming("Drafting session", "drafting_session", date(2026, 4, 28), date(2026, 5, 2),
                                            place("La Paz", "BO"), "Bolivia I"),
                                     Coming("Kick-off", "workshop", date(2026, 4, 2), None, place(None, None, True),
                                            "Peru I")])
    assert title == "MIEUX newsletter: March 2026"
    assert text == """MIEUX newsletter: March 2026

Actions closed this month
- Ghana II, with Ghana Immigration Service (Ghana, Togo)

Coming up in April 2026
- 2 Apr: Kick-off (workshop, remotely), part of Peru I
- 28 Apr - 2 May: Drafting session (drafting session, La Paz, Bolivia), part of Bolivia I

The month in figures
- 1 new request for support
- 3 activities held (2 workshops, 1 fact finding mission)
- 40 participants (22 women, 18 men)
- 1 expert deployed
- 2 countries benefited: Ghana, Bolivia
- 1 Action completed

MIEUX is funded by the European Union."""


def test_an_empty_month_says_so():
    figures = {"requests_received": 0, "actions_completed": 0, "activities_held": 0, "activities_by_type": {},
               "countries_benefited": [], "participants": {"total": 0, "women": 0, "men": 0, "other": 0},
               "experts_deployed": 0}
    _, text = newsletter(date(2026, 12, 1), closed=[], coming=[], figures=figures)
    assert "- No Action closed this month." in text and "- No activity is planned to start in January 2027 yet." in text
    assert "- 0 activities held\n- 0 participants\n" in text and "- 0 countries benefited\n" in text
