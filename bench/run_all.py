"""Run every benchmark in turn, each in its own process, and print what each printed.

    .venv/bin/python bench/run_all.py [--quick]     (what `make bench` runs; --quick goes to every script)

Exits non-zero if a benchmark broke: it exited non-zero or printed no JSON line (not if a target
was missed: benchmarks are not tests). The last line is a JSON summary of each benchmark's own
JSON line (bench/harness.py's: its figures, `targets` and `met`).
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BENCHMARKS = ["lifecycle_rate.py", "import_portfolio.py", "cli_startup.py", "sweep.py", "punctuality.py",
              "dispatch_throughput.py", "alert_latency.py", "sqlite_locks.py", "expert_match.py", "calendar_export.py",
              "form_submissions.py", "annual_report.py", "programme_import.py",
              "pg_transitions.py", "pg_sweepers.py"]


def last_json(text: str) -> dict | None:
    """The benchmark's JSON line: its last line, if that is a JSON object."""
    lines = text.strip().splitlines()
    try:
        result = json.loads(lines[-1]) if lines else None
    except ValueError:
        return None
    return result if isinstance(result, dict) else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="run every benchmark's small sample")
    quick = parser.parse_args().quick
    print(f"mieux-engine benchmarks{' (quick samples)' if quick else ''}: {sys.executable}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f} at start", flush=True)
    summary, broken = {}, []
    for name in BENCHMARKS:
        print(f"\n=== bench/{name} ===", flush=True)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(BENCH / name), *(["--quick"] if quick else [])], cwd=BENCH.parent,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(done.stdout, end="" if done.stdout.endswith("\n") else "\n")
        print(f"(bench/{name}: exit {done.returncode}, {time.perf_counter() - start:.1f} s)", flush=True)
        result = last_json(done.stdout)
        if done.returncode != 0 or result is None:
            broken.append(name)
            result = None
        summary[name.removesuffix(".py")] = result
    print("\n=== summary ===")
    for name, result in summary.items():
        if result is None:
            print(f"  {name:20} BROKE")
            continue
        for target, met in (result.get("targets") or {"(no target)": result.get("met")}).items():
            print(f"  {name:20} {'met   ' if met else 'MISSED'} {target}")
    print(json.dumps({"quick": quick, "benchmarks": summary, "broken": broken,
                      "met": not broken and all(r.get("met") for r in summary.values())}))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
