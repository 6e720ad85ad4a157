"""`mieux action list` over a store of 1,000 Actions vs the start-up of `python -c "import sqlmodel, typer"`.

Target: the median of `mieux action list` within 1.5x of the median of the baseline.

Setup (not timed): a 1,000-row portfolio CSV from bench/portfolio_gen.py, `mieux init` and
`mieux portfolio import` into a fresh MIEUX_DATA_DIR; both listings are checked to list every
Action. Then each command runs as a whole process (time.perf_counter around subprocess.run,
stdout to DEVNULL), 2 warm-ups each, then 15 runs each, alternating A B C A B C: A
`mieux action list`, B the baseline (same interpreter, .venv/bin/python), C
`mieux action list --json`. Every process uses the same bytecode cache (see portfolio_gen.cli_env).

    .venv/bin/python bench/cli_startup.py [--actions 1000] [--runs 15] [--warmups 2] [--quick]
"""
import json
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from harness import Report, interleaved, spread, stopwatch

import portfolio_gen

TARGET_RATIO = 1.5
BASELINE = 'python -c "import sqlmodel, typer"'


def run(command: list[str], env: dict, *, capture: bool = True) -> str:
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return done.stdout


def main() -> int:
    report = Report("cli_startup", __doc__, actions=(1_000, 50, "Actions in the store"),
                    runs=(15, 2, "timed runs of each command"), warmups=(2, 1, "untimed runs of each command first"))
    n, mieux = report.args.actions, str(portfolio_gen.MIEUX)
    commands = {"mieux action list": [mieux, "action", "list"],
                BASELINE: [str(portfolio_gen.PYTHON), "-c", "import sqlmodel, typer"],
                "mieux action list --json": [mieux, "action", "list", "--json"]}
    with tempfile.TemporaryDirectory(prefix="mieux-bench-") as tmp:
        tmp = Path(tmp)
        env = portfolio_gen.cli_env(tmp / "data", tmp / "pycache")
        run([mieux, "init"], env)
        csv_path = portfolio_gen.write_csv(tmp / "portfolio.csv", n)
        run([mieux, "portfolio", "import", str(csv_path), "--as", "pieter"], env)
        listed = run(commands["mieux action list"], env)
        if not listed.rstrip().endswith(f"{n} Action(s)"):
            raise RuntimeError(f"`mieux action list` did not list {n} Actions: {listed[-200:]!r}")
        if len(as_json := json.loads(run(commands["mieux action list --json"], env))) != n:
            raise RuntimeError(f"`mieux action list --json` gave {len(as_json)} Actions, expected {n}")
        report.line(f"setup: {n} Actions imported into a fresh store; `mieux action list` prints "
                    f"{len(listed.splitlines())} lines ({len(listed) / 1e3:.0f} kB), --json {len(as_json)} objects")
        seconds = interleaved({name: partial(stopwatch, partial(run, command, env, capture=False))
                               for name, command in commands.items()}, report.args.runs, warmups=report.args.warmups)

    report.line(f"{report.args.runs} runs each after {report.args.warmups} warm-up(s), alternating; whole processes")
    figures = {name: spread(values) for name, values in seconds.items()}
    base = figures[BASELINE]
    for name, f in figures.items():
        report.line(f"{name + ':':36} median {f['median'] * 1e3:7.1f} ms (min {f['min'] * 1e3:.1f}, "
                    f"max {f['max'] * 1e3:.1f})" + ("" if name == BASELINE else
                                                    f"   {f['median'] / base['median']:.2f}x the baseline"))
    ratio = figures["mieux action list"]["median"] / base["median"]
    ratio_json = figures["mieux action list --json"]["median"] / base["median"]
    report.target(f"`mieux action list` median within {TARGET_RATIO}x of the baseline's", met=ratio <= TARGET_RATIO,
                  detail=f"{ratio:.2f}x; --json {ratio_json:.2f}x")
    return report.done({"actions": n, "runs": report.args.runs, "warmups": report.args.warmups,
                        "results": {name: {"min_ms": round(f["min"] * 1e3, 1), "median_ms": round(f["median"] * 1e3, 1),
                                           "ratio_to_baseline": round(f["median"] / base["median"], 3)}
                                    for name, f in figures.items()},
                        "ratio": round(ratio, 3), "ratio_json": round(ratio_json, 3), "target_ratio": TARGET_RATIO})


if __name__ == "__main__":
    sys.exit(main())
