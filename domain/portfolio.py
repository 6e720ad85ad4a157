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

HEADER = ["reference", "name", "requester", "requester_type", "countries", "region", "theme",
          "received_on", "status", "closed_on"]
REFERENCE = re.compile(r"^(\d{4})-(\d{2,4})$")
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
        year, sequence = REFERENCE.match(self.reference).groups()
        return int(year), int(sequence)


@cache
def _country_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def read_portfolio(text: str, *, source: str, region_label: Callable[[str], str | None],
                   states: Iterable[str], terminal: Iterable[str], today: date) -> list[PortfolioRow]:
    """Parse and validate the whole file, or raise ImportRejected listing every bad row."""
    states, terminal = list(states), set(terminal)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None:
        raise ImportRejected(source, ["line 1: the file is empty; expected the header " + ",".join(HEADER)])
    if [h.strip() for h in header] != HEADER:
        raise ImportRejected(source, [f"line 1: the header must be exactly {','.join(HEADER)}; "
                                      f"found {','.join(header)}"])
    rows, problems, seen = [], [], {}
    for fields in reader:
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

    reference = raw["reference"]
    match = REFERENCE.match(reference)
    check("reference", match, f"{reference!r} is not a reference like 2017-03 (year-sequence)")
    for column in ("name", "requester"):
        check(column, raw[column], "is empty")
    check("requester_type", raw["requester_type"] in RequesterType.__members__,
          f"{raw['requester_type']!r} is not one of {', '.join(RequesterType)}")
    countries = tuple(c.upper() for c in raw["countries"].split())
    check("countries", countries, "is empty; give space-separated ISO codes like 'GH TG'")
    bad = [c for c in countries if c not in _country_codes()]
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
