"""`mieux programme import DIR` of a whole programme into an empty store, as a process.

Target: under 60 seconds for 1,000 Actions, 6,000 activities, 3,000 experts and 50,000 evaluation
answers.

Setup (not timed): the programme bench/annual_report.py generates, written straight into one
store, exported with `mieux programme export` (timed too, for information); then the import into a
fresh store, timed around the process (start-up and every check included), once per run, each
into a new store.

    .venv/bin/python bench/programme_import.py [--actions 1000] [--answers 50000] [--runs 2] [--quick]
"""
import os
import subprocess
import tempfile
import time
from pathlib import Path

from annual_report import programme
from harness import MIEUX, ROOT, Report, spread

TARGET_S = 60.0


def main() -> int:
    report = Report("programme_import", __doc__, actions=(1_000, 60, "Actions (six activities each)"),
                    experts=(3_000, 200, "experts in the roster"), answers=(50_000, 1_000, "evaluation answers"),
                    runs=(2, 1, "timed imports"))
    with tempfile.TemporaryDirectory(prefix="mieux-bench-programme-") as tmp:
        tmp = Path(tmp)
        base = {k: v for k, v in os.environ.items() if not k.startswith("MIEUX_")} | {"MIEUX_ACTOR": "pieter"}
        source = base | {"MIEUX_DATA_DIR": str(tmp / "source")}
        subprocess.run([MIEUX, "init"], env=source, cwd=ROOT, check=True, capture_output=True)
        programme(tmp / "source" / "mieux.db", actions=report.args.actions, experts=report.args.experts,
                  answers=report.args.answers)
        started = time.perf_counter()
        subprocess.run([MIEUX, "programme", "export", str(tmp / "folder")], env=source, cwd=ROOT, check=True,
                       capture_output=True)
        exported = time.perf_counter() - started
        rows = sum(max(0, len(p.read_text(encoding="utf-8").splitlines()) - 1) for p in (tmp / "folder").glob("*.csv"))
        report.line(f"setup: {report.args.actions:,} Actions, {report.args.actions * 6:,} activities, "
                    f"{report.args.experts:,} experts, about {report.args.answers:,} answers; exported as {rows:,} "
                    f"rows in {exported:.1f} s")
        seconds = []
        for run in range(report.args.runs):
            target = base | {"MIEUX_DATA_DIR": str(tmp / f"target-{run}")}
            subprocess.run([MIEUX, "init"], env=target, cwd=ROOT, check=True, capture_output=True)
            start = time.perf_counter()
            done = subprocess.run([MIEUX, "programme", "import", str(tmp / "folder")], env=target, cwd=ROOT,
                                  capture_output=True, text=True)
            seconds.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise RuntimeError(f"mieux programme import exited {done.returncode}: {done.stderr[-3000:]}")
    timing = spread(seconds)
    report.line(f"the whole import: median {timing['median']:.1f} s (min {timing['min']:.1f}, max {timing['max']:.1f});"
                f" {rows / timing['median']:,.0f} rows/s")
    report.target(f"under {TARGET_S:.0f} s", met=timing["median"] < TARGET_S, detail=f"{timing['median']:.1f} s")
    return report.done({"seconds_median": round(timing["median"], 2), "rows": rows,
                        "export_seconds": round(exported, 2)})


if __name__ == "__main__":
    raise SystemExit(main())
