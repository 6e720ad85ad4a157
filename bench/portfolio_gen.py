"""Generate valid portfolio CSVs for the benchmarks (import_portfolio.py, cli_startup.py, sqlite_locks.py).

Every row passes domain.portfolio.read_portfolio:
- references YEAR-SEQ, unique, the year of receipt, sequences of 2 to 4 digits (01 .. 9999),
  numbered in order of receipt within each year, years spread over 2009-2026;
- received_on never in the future (at most yesterday, so the facility's time zone cannot matter);
- region labels exactly as configured in the facility file;
- 1-3 ISO 3166-1 alpha-2 codes that are not EU Member States (pycountry, as the importer checks);
- requester type national_authority before 2016, any type from 2016 on;
- terminal statuses (closed, rejected, forwarded, withdrawn) with closed_on on or after received_on
  and not in the future; working statuses with no closed_on.
Deterministic for a given seed and `today`.
"""
import csv
import os
import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from harness import ROOT  # and the repository root on sys.path

from config.facility import load_facility
from config.settings import DEFAULT_FACILITY
from domain.model import EU_MEMBER_STATES, OPEN_REQUESTER_TYPES_SINCE, RequesterType, Theme
from domain.portfolio import HEADER
from states.action import TERMINAL, WORKING

FIRST_YEAR, LAST_YEAR = 2009, 2026
MAX_SEQUENCE = 9999  # the reference regex allows 2 to 4 digits
PYTHON = ROOT / ".venv" / "bin" / "python"
MIEUX = ROOT / ".venv" / "bin" / "mieux"


def cli_env(data_dir: Path, pycache: Path) -> dict[str, str]:
    """The environment for `mieux` processes: a store in `data_dir`, the default facility file.

    Bytecode is cached under `pycache` (PYTHONPYCACHEPREFIX) rather than in the repository, and
    PYTHONDONTWRITEBYTECODE is dropped, so that after a warm-up every process, the baseline too,
    starts from cached bytecode as on a normal installation, and no file outside bench/ is written.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MIEUX_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["MIEUX_DATA_DIR"] = str(data_dir)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def default_today() -> date:
    """Yesterday in UTC: never in the future in any time zone the facility may use."""
    return (datetime.now(timezone.utc) - timedelta(days=1)).date()


def _partner_countries() -> list[tuple[str, str]]:
    import pycountry

    return sorted((c.alpha_2, c.name) for c in pycountry.countries if c.alpha_2 not in EU_MEMBER_STATES)


def _status_weights(year: int, last_year: int) -> list[tuple[str, int]]:
    """Old requests are mostly finished; recent ones mostly still being worked on."""
    age = last_year - year
    terminal = {"closed": 6, "rejected": 2, "forwarded": 1, "withdrawn": 1}
    if age >= 4:
        working = {s: 0 for s in WORKING}
        working["implementation"] = 1
    else:
        working = {s: 3 for s in WORKING}
        terminal = {k: max(1, v // (4 - age)) for k, v in terminal.items()}
    return [*working.items(), *terminal.items()]


def generate_rows(n: int, *, seed: int = 2026, today: date | None = None,
                  facility_file: Path = DEFAULT_FACILITY) -> list[list[str]]:
    """`n` valid portfolio rows (as lists of CSV fields, in HEADER order), oldest first."""
    today = today or default_today()
    last_year = min(LAST_YEAR, today.year)
    years = list(range(FIRST_YEAR, last_year + 1))
    if n > len(years) * MAX_SEQUENCE:
        raise ValueError(f"at most {len(years) * MAX_SEQUENCE} unique references fit in {years[0]}-{years[-1]}")
    rng = random.Random(seed)
    regions = load_facility(facility_file).regions
    countries = _partner_countries()
    themes = [t.value for t in Theme]
    all_types = [t.value for t in RequesterType]
    counts = [n // len(years) + (1 if i < n % len(years) else 0) for i in range(len(years))]

    rows = []
    for year, count in zip(years, counts):
        if count == 0:
            continue
        first, last = date(year, 1, 1), min(date(year, 12, 31), today)
        span = (last - first).days
        received = sorted(first + timedelta(days=rng.randint(0, span)) for _ in range(count))
        sequences = sorted(rng.sample(range(1, MAX_SEQUENCE + 1), count))
        statuses, weights = zip(*_status_weights(year, last_year))
        for received_on, sequence in zip(received, sequences):
            picked = rng.sample(countries, rng.choice((1, 1, 1, 2, 3)))
            codes = " ".join(code for code, _ in picked)
            lead = picked[0][1]
            rtype = "national_authority" if year < OPEN_REQUESTER_TYPES_SINCE else rng.choice(all_types)
            status = rng.choices(statuses, weights)[0]
            closed_on = ""
            if status in TERMINAL:
                latest = (today - received_on).days
                closed_on = (received_on + timedelta(days=rng.randint(0, min(latest, 1500)))).isoformat()
            rows.append([
                f"{year}-{sequence:02d}",
                f"{lead} {rng.choice(themes).replace('_', ' ')} {sequence}",
                f"Ministry of the Interior, {lead}",
                rtype,
                codes,
                rng.choice(regions),
                rng.choice(themes),
                received_on.isoformat(),
                status,
                closed_on,
            ])
    return rows


def write_csv(path: Path, n: int, *, seed: int = 2026, today: date | None = None) -> Path:
    """Write a valid `n`-row portfolio CSV (header first) to `path`; returns the path."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(generate_rows(n, seed=seed, today=today))
    return path


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write a valid portfolio CSV.")
    parser.add_argument("path", type=Path)
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    write_csv(args.path, args.n, seed=args.seed)
    print(f"wrote {args.n} rows to {args.path}")
