"""`mieux action list` over a store of 1,000 Actions vs the start-up of `python -c "import sqlmodel, typer"`.

Target: the median of `mieux action list` within 1.5x of the median of the baseline.

Setup (not timed): a 1,000-row portfolio CSV from bench/portfolio_gen.py, `mieux init` and
`mieux portfolio import` into a fresh MIEUX_DATA_DIR. Then each command runs as a whole process
(time.perf_counter around subprocess.run, stdout to DEVNULL), 2 warm-ups each, then 15 runs each,
alternating A B C A B C: A `mieux action list`, B the baseline (same interpreter, .venv/bin/python),
C `mieux action list --json`. Every process uses the same bytecode cache (see portfolio_gen.cli_env).

When the target is missed (or with --profile) it also shows where the extra time goes: the modules
`mieux action list` imports beyond the baseline (python -X importtime, self times summed per
top-level package) and a cProfile of the whole command limited to the project's own functions.

    .venv/bin/python bench/cli_startup.py [--actions 1000] [--runs 15] [--warmups 2] [--profile]
"""
import argparse
import io
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/transitions.py would shadow the `transitions` library: keep this folder last on the path.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (BENCH, ROOT)] + [str(BENCH)]

import portfolio_gen  # noqa: E402

TARGET_RATIO = 1.5


def run(command: list[str], env: dict, *, capture: bool = False) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return done


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    return elapsed


def imported(command: list[str], env: dict) -> dict[str, int]:
    """Module -> self import time (µs) for a whole process, from python -X importtime."""
    done = subprocess.run([str(portfolio_gen.PYTHON), "-X", "importtime", *command], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"-X importtime {' '.join(command)} exited {done.returncode}")
    found = re.findall(r"^import time:\s+(\d+) \|\s+\d+ \| *(\S+)$", done.stderr, re.MULTILINE)
    return {module: int(us) for us, module in found}


def where_time_goes(mieux_args: list[str], env: dict, tmp: Path) -> str:
    """Extra imports over the baseline, per top-level package; cProfile of the project's functions."""
    out = io.StringIO()
    mine = imported([str(portfolio_gen.MIEUX), *mieux_args], env)
    base = imported(["-c", "import sqlmodel, typer"], env)
    extra = {m: us for m, us in mine.items() if m not in base}
    per_package: dict[str, int] = {}
    for module, us in extra.items():
        top = module.split(".")[0]
        per_package[top] = per_package.get(top, 0) + us
    print(f"\n-- imports: `mieux {' '.join(mieux_args)}` loads {len(mine)} modules, the baseline {len(base)}; "
          f"the {len(extra)} extra take {sum(extra.values()) / 1e3:.0f} ms (self time, -X importtime, "
          "which itself adds overhead) --", file=out)
    for top, us in sorted(per_package.items(), key=lambda kv: -kv[1])[:12]:
        count = sum(1 for m in extra if m.split(".")[0] == top)
        print(f"  {top:24} {us / 1e3:7.1f} ms  ({count} modules)", file=out)

    stats_file = tmp / "cli.prof"
    done = subprocess.run([str(portfolio_gen.PYTHON), "-m", "cProfile", "-o", str(stats_file),
                           str(portfolio_gen.MIEUX), *mieux_args], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"cProfile of mieux {' '.join(mieux_args)} exited {done.returncode}")
    text = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=text)
    stats.sort_stats("cumulative").print_stats(rf"^{re.escape(str(ROOT))}/(?!\.venv/)", 25)
    body = text.getvalue()
    body = body[body.find("   ncalls"):] if "   ncalls" in body else body
    print(f"\n-- cProfile of `mieux {' '.join(mieux_args)}` (whole process, the project's own functions by "
          "cumulative time; times inflated by the profiler) --", file=out)
    print(body.rstrip(), file=out)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="show where the time goes even if the target is met")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    mieux, python = str(portfolio_gen.MIEUX), str(portfolio_gen.PYTHON)

    with tempfile.TemporaryDirectory(prefix="mieux-bench-") as tmp:
        tmp = Path(tmp)
        env = portfolio_gen.cli_env(tmp / "data", tmp / "pycache")
        csv_path = portfolio_gen.write_csv(tmp / "portfolio.csv", args.actions)
        run([mieux, "init"], env)
        run([mieux, "portfolio", "import", str(csv_path), "--as", "pieter"], env)

        commands = {
            "mieux action list": [mieux, "action", "list"],
            'python -c "import sqlmodel, typer"': [python, "-c", "import sqlmodel, typer"],
            "mieux action list --json": [mieux, "action", "list", "--json"],
        }
        listed = run(commands["mieux action list"], env, capture=True).stdout
        if not listed.rstrip().endswith(f"{args.actions} Action(s)"):
            raise RuntimeError(f"`mieux action list` did not list {args.actions} Actions: {listed[-200:]!r}")
        as_json = json.loads(run(commands["mieux action list --json"], env, capture=True).stdout)
        if len(as_json) != args.actions:
            raise RuntimeError(f"`mieux action list --json` gave {len(as_json)} Actions, expected {args.actions}")
        print(f"setup: {args.actions} Actions imported into a fresh store; `mieux action list` prints "
              f"{len(listed.splitlines())} lines ({len(listed) / 1e3:.0f} kB), --json {len(as_json)} objects")

        for _ in range(args.warmups):
            for command in commands.values():
                timed(command, env)
        times = {name: [] for name in commands}
        for _ in range(args.runs):  # A B C A B C ...
            for name, command in commands.items():
                times[name].append(timed(command, env))
        ratio = statistics.median(times["mieux action list"]) / statistics.median(
            times['python -c "import sqlmodel, typer"'])
        analysis = where_time_goes(["action", "list"], env, tmp) if args.profile or ratio > TARGET_RATIO else None

    print(f"machine: {os.cpu_count()} CPUs, load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    base_name = 'python -c "import sqlmodel, typer"'
    base = statistics.median(times[base_name])
    summary = {}
    print(f"{args.runs} runs each after {args.warmups} warm-ups, alternating; whole processes, stdout to DEVNULL")
    for name, values in times.items():
        median = statistics.median(values)
        summary[name] = {"min_ms": round(min(values) * 1e3, 1), "median_ms": round(median * 1e3, 1),
                         "ratio_to_baseline": round(median / base, 3)}
        print(f"  {name:36} min {min(values) * 1e3:7.1f} ms   median {median * 1e3:7.1f} ms"
              + ("" if name == base_name else f"   {median / base:.2f}x the baseline "
                                                 f"(mins: {min(values) / min(times[base_name]):.2f}x)"))
    ratio = statistics.median(times["mieux action list"]) / base
    ratio_json = statistics.median(times["mieux action list --json"]) / base
    met = ratio <= TARGET_RATIO
    print(f"target: `mieux action list` median within {TARGET_RATIO}x of the baseline median -> "
          f"{'MET' if met else 'MISSED'} ({ratio:.2f}x; --json {ratio_json:.2f}x)")
    if analysis:
        print(analysis.rstrip())
    print(json.dumps({"benchmark": "cli_startup", "actions": args.actions, "runs": args.runs,
                      "warmups": args.warmups, "results": summary, "ratio": round(ratio, 3),
                      "ratio_json": round(ratio_json, 3),
                      "target_ratio": TARGET_RATIO, "met": met}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
