"""The portfolio CSV: the programme's history in, the current portfolio out.

Reading validates every row and collects every problem (line and column) before anything is
stored: a file with one bad row imports nothing.
"""
import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from domain.errors import ImportRejected
from domain.model import OPEN_REQUESTER_TYPES_SINCE, RequesterType, Theme
from domain.schemas import TEXT_MAX, in_years, text_problem

HEADER = ["reference", "name", "requester", "requester_type", "countries", "region", "theme",
          "received_on", "status", "closed_on"]
REFERENCE = re.compile(r"^([0-9]{4})-(0[1-9]|[1-9][0-9]{1,3})$")
"""Only the form the engine writes (`2018-01`, `2018-123`): `2018-001` or `2018-1` would be a
second spelling of an existing number."""
_ANY_REFERENCE = re.compile(r"^([0-9]+)-([0-9]+)$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
NATIONAL = {RequesterType.national_authority.value, RequesterType.regional_organisation.value}


@dataclass(frozen=True)
class PortfolioRow:
    """One Action as the CSV knows it."""

    reference: str
    name: str
    requester: str
    requester_type: str
    countries: tuple[str, ...]
    region: str
    theme: str
    received_on: date
    status: str
    closed_on: date | None = None
    line: int = 0

    @property
    def year_and_sequence(self) -> tuple[int, int]:
        """For ordering; a reference stored in another form (an older engine wrote `1-01` for the
        year 1) still sorts, after the others."""
        found = REFERENCE.match(self.reference) or _ANY_REFERENCE.match(self.reference)
        return (int(found.group(1)), int(found.group(2))) if found else (10_000, 0)


@cache
def _country_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


def _date(value: str) -> date:
    try:
        if not _ISO_DATE.match(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    return in_years(day)


def read_portfolio(text: str, *, source: str, region_label: Callable[[str], str | None],
                   states: Iterable[str], terminal: Iterable[str], today: date) -> list[PortfolioRow]:
    """Parse and validate the whole file, or raise ImportRejected listing every bad row."""
    states, terminal = list(states), set(terminal)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ImportRejected(source, [f"line 1: {_csv_problem(error)}"]) from None
    if header is None:
        raise ImportRejected(source, ["line 1: the file is empty; expected the header " + ",".join(HEADER)])
    if [h.strip() for h in header] != HEADER:
        raise ImportRejected(source, [f"line 1: the header must be exactly {','.join(HEADER)}; "
                                      f"found {','.join(header)}"])
    rows, problems, seen = [], [], {}
    for fields in _records(reader, problems):
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(HEADER):
            problems.append(f"line {line}: {len(fields)} fields, expected {len(HEADER)}")
            continue
        row, errors = _row(dict(zip(HEADER, (f.strip() for f in fields))), line, region_label, states,
                           terminal, today)
        problems += [f"line {line}, column {column}: {message}" for column, message in errors]
        if row is None:
            continue
        if row.reference in seen:
            problems.append(f"line {line}, column reference: {row.reference} is also on line {seen[row.reference]}")
            continue
        seen[row.reference] = line
        rows.append(row)
    if problems:
        raise ImportRejected(source, problems)
    return rows


def _records(reader, problems: list[str]):
    """The reader's records; a record the csv module cannot read ends the file with a problem."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(f"line {reader.line_num}: {_csv_problem(error)}; the rest of the file was not read")
            return


def _csv_problem(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return f"a field is longer than {csv.field_size_limit():,} characters"
    return f"not readable as CSV ({error})"


def _row(raw: dict, line: int, region_label, states, terminal, today) -> tuple[PortfolioRow | None, list]:
    errors = []

    def check(column: str, test, message: str):
        if not test:
            errors.append((column, message))

    def parsed(column: str, parse):
        try:
            return parse(raw[column])
        except ValueError as error:
            errors.append((column, str(error)))
            return None

    unreadable = [(column, problem) for column, value in raw.items() if (problem := text_problem(value))]
    if unreadable:  # a NUL or control character: nothing else in the row is worth checking
        return None, unreadable
    reference = raw["reference"]
    match = REFERENCE.match(reference)
    padded = None if match else re.match(r"^([0-9]{4})-0+([1-9][0-9]*)$", reference)  # 2018-001: one number, two spellings
    check("reference", match, f"{reference!r} is not a reference like 2017-03 (year-sequence)"
          + (f"; the engine writes this number {padded.group(1)}-{int(padded.group(2)):02d}" if padded else ""))
    for column in ("name", "requester"):
        check(column, raw[column], "is empty")
        check(column, len(raw[column]) <= TEXT_MAX, f"is longer than {TEXT_MAX} characters")
    check("requester_type", raw["requester_type"] in RequesterType.__members__,
          f"{raw['requester_type']!r} is not one of {', '.join(RequesterType)}")
    countries = tuple(c.upper() for c in raw["countries"].split())
    check("countries", countries, "is empty; give space-separated ISO codes like 'GH TG'")
    bad = [c for c in countries if not (c.isascii() and c in _country_codes())]
    check("countries", not bad, f"{' '.join(bad)}: not ISO 3166-1 alpha-2 country code(s)")
    region = region_label(raw["region"]) if raw["region"] else None
    check("region", region, f"{raw['region']!r} is not a configured region")
    check("theme", raw["theme"] in Theme.__members__, f"{raw['theme']!r} is not one of {', '.join(Theme)}")
    received = parsed("received_on", _date)
    status = raw["status"]
    check("status", status in states, f"{status!r} is not one of {', '.join(states)}")
    closed = parsed("closed_on", _date) if raw["closed_on"] else None
    if received:
        check("received_on", received <= today, f"{received} is in the future")
        if match:
            check("reference", int(match.group(1)) == received.year,
                  f"{reference} does not carry the year of receipt {received.year}")
        check("requester_type", received.year >= OPEN_REQUESTER_TYPES_SINCE or raw["requester_type"] in NATIONAL
              or raw["requester_type"] not in RequesterType.__members__,
              f"a {raw['requester_type']} could not request before {OPEN_REQUESTER_TYPES_SINCE}")
    if closed:
        check("closed_on", status in terminal or status not in states,
              f"is given but status {status} is not final ({', '.join(sorted(terminal))})")
        check("closed_on", not received or closed >= received, f"{closed} is before received_on {received}")
        check("closed_on", closed <= today, f"{closed} is in the future")
    if errors:
        return None, errors
    return PortfolioRow(reference, raw["name"], raw["requester"], raw["requester_type"], countries, region,
                        raw["theme"], received, status, closed, line), []


def write_portfolio(rows: Iterable[PortfolioRow]) -> str:
    """The CSV text for these rows, header first."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow([r.reference, r.name, r.requester, r.requester_type, " ".join(r.countries), r.region,
                         r.theme, r.received_on.isoformat(), r.status,
                         r.closed_on.isoformat() if r.closed_on else ""])
    return out.getvalue()
