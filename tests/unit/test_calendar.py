"""The office calendar: working days across holidays and closures, moments across DST."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import BusinessCalendar

BRUSSELS, VIENNA = ZoneInfo("Europe/Brussels"), ZoneInfo("Europe/Vienna")


def brussels(**kwargs) -> BusinessCalendar:
    return BusinessCalendar(zone=BRUSSELS, country="BE", **kwargs)


def test_three_weeks_is_calendar_days_even_across_christmas():
    assert brussels().add(date(2026, 12, 22), days=21) == date(2027, 1, 12)


def test_working_days_skip_weekends_and_belgian_holidays():
    # 2026-12-22 is a Tuesday; 25 Dec and 1 Jan are holidays in Belgium.
    # 23, 24, 28, 29, 30, 31 Dec, then 4, 5, 6, 7 Jan.
    assert brussels().add_working_days(date(2026, 12, 22), 10) == date(2027, 1, 7)


def test_office_closures_count_as_non_working_days():
    closures = {date(2026, 12, d): "Office closure" for d in (24, 28, 29, 30, 31)}
    calendar = brussels(closures=closures)
    assert calendar.add_working_days(date(2026, 12, 22), 10) == date(2027, 1, 14)
    assert calendar.holiday(date(2026, 12, 29)) == "Office closure"


def test_counting_working_days_backwards_for_reminders():
    assert brussels().add_working_days(date(2027, 1, 12), -5) == date(2027, 1, 5)


def test_vienna_has_its_own_holidays():
    vienna = BusinessCalendar(zone=VIENNA, country="AT", subdivision="9")
    assert not vienna.is_working_day(date(2026, 1, 6))        # Epiphany in Austria
    assert brussels().is_working_day(date(2026, 1, 6))         # not in Belgium
    assert brussels().holiday(date(2026, 7, 21)) == "National Day"
    assert vienna.is_working_day(date(2026, 7, 21))


@pytest.mark.parametrize("zone", [BRUSSELS, VIENNA])
def test_a_due_day_is_nine_in_the_morning_local_on_both_sides_of_a_dst_change(zone):
    calendar = BusinessCalendar(zone=zone, country="BE", notify_at=time(9, 0))
    before, after = calendar.moment(date(2026, 3, 27)), calendar.moment(date(2026, 3, 30))  # DST on 29 March
    assert (before, after) == (datetime(2026, 3, 27, 8, tzinfo=timezone.utc), datetime(2026, 3, 30, 7, tzinfo=timezone.utc))
    assert before.astimezone(zone).hour == after.astimezone(zone).hour == 9
    autumn = calendar.moment(calendar.add(date(2026, 10, 20), days=21))  # DST ends 25 October
    assert autumn == datetime(2026, 11, 10, 8, tzinfo=timezone.utc) and autumn.astimezone(zone).hour == 9


def test_zero_working_days_is_the_same_day():
    assert brussels().add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 25)
