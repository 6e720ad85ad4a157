"""The programme's figures, computed from Actions."""
from datetime import date, datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from domain.report import compute_report

BRUSSELS = ZoneInfo("Europe/Brussels")


def action(state, received, *, region="Asia", kind="national_authority", theme="horizontal", countries=("PH",),
           fiche_at=None):
    return SimpleNamespace(state=state, received_on=received, region=region, requester_type=kind, theme=theme,
                           countries=list(countries), fiche_submitted_at=fiche_at)


ACTIONS = [
    action("closed", date(2019, 1, 10), countries=("PH", "KH")),
    action("implementation", date(2024, 3, 1), region="Africa (West)", kind="parliament", theme="legal_migration",
           countries=("GH",), fiche_at=datetime(2024, 3, 15, 10, tzinfo=timezone.utc)),
    action("monitoring", date(2024, 5, 2), fiche_at=datetime(2024, 6, 12, 22, 30, tzinfo=timezone.utc)),
    action("approval", date(2025, 1, 6), fiche_at=datetime(2025, 1, 27, 8, tzinfo=timezone.utc)),
    action("request", date(2025, 9, 1)),
    action("rejected", date(2025, 2, 1)),
    action("forwarded", date(2023, 2, 1)),
    action("withdrawn", date(2022, 2, 1)),
    action("on_hold", date(2025, 4, 1)),
]


def test_statuses_are_grouped_as_the_programme_reports_them():
    r = compute_report(ACTIONS, zone=BRUSSELS)
    assert {k: r[k] for k in ("requests_received", "completed", "ongoing", "in_preparation", "rejected",
                              "forwarded", "withdrawn", "on_hold")} == {
        "requests_received": 9, "completed": 1, "ongoing": 2, "in_preparation": 2, "rejected": 1, "forwarded": 1,
        "withdrawn": 1, "on_hold": 1}
    assert r["by_region"] == {"Asia": 8, "Africa (West)": 1}
    assert r["by_requester_type"] == {"national_authority": 8, "parliament": 1}
    assert r["by_theme"] == {"horizontal": 8, "legal_migration": 1}
    assert r["countries_requesting"] == ["GH", "KH", "PH"]


def test_fiche_timeliness_counts_days_in_the_teams_time_zone():
    timely = compute_report(ACTIONS, zone=BRUSSELS)["fiche_timeliness"]
    # 14 days; 22:30 UTC on 12 June is 13 June in Brussels: 42 days; 21 days.
    assert timely == {"fiches_submitted": 3, "median_days": 21, "share_within_21_days": 0.667}


def test_the_period_filters_on_the_date_of_receipt_inclusive():
    r = compute_report(ACTIONS, zone=BRUSSELS, start=date(2024, 3, 1), end=date(2025, 1, 6))
    assert r["requests_received"] == 3
    assert r["period"] == {"from": "2024-03-01", "to": "2025-01-06"}


def test_an_empty_portfolio_reports_zeros_and_no_timeliness():
    r = compute_report([], zone=BRUSSELS)
    assert r["requests_received"] == 0 and r["by_region"] == {}
    assert r["fiche_timeliness"] == {"fiches_submitted": 0, "median_days": None, "share_within_21_days": None}
