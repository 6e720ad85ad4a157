"""The office calendar: which days are working days, and when a day's notices go out.

Deadlines are counted in days, never hours, on the team's local calendar; a due date becomes a
moment only at the end, as the configured local time on that date converted to UTC, so daylight
saving changes never shift a deadline by an hour.
"""
from calendar import monthrange
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter: 31 March -> 28 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


class BusinessCalendar:
    """Weekends, the public holidays of one country (or region) and the office's own closures."""

    def __init__(self, *, zone: ZoneInfo, country: str = "BE", subdivision: str | None = None,
                 closures: dict[date, str] | None = None, notify_at: time = time(9, 0)):
        import holidays  # loads every country's calendar: only when a calendar is needed

        self.zone = zone
        self.notify_at = notify_at
        self._holidays = holidays.country_holidays(country, subdiv=subdivision)
        self._holidays.update(closures or {})
        self._working: dict[date, bool] = {}
        """Each day's answer, once asked: the holidays library's lookup costs more than a dict's."""

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = day.weekday() < 5 and day not in self._holidays
        return known

    def holiday(self, day: date) -> str | None:
        """The name of the holiday or closure on `day`, if any."""
        return self._holidays.get(day)

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (before it when negative); 0 gives `day` itself."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def add(self, day: date, *, days: int = 0, working_days: int = 0) -> date:
        """Calendar days, then working days."""
        return self.add_working_days(day + timedelta(days=days), working_days)

    def moment(self, day: date) -> datetime:
        """When notices for `day` go out: the local notify time on that date, in UTC."""
        return datetime.combine(day, self.notify_at, self.zone).astimezone(timezone.utc)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()
