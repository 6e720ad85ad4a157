"""Run every benchmark in turn, each in its own process, and print what each printed.

    .venv/bin/python bench/run_all.py        (what `make bench` runs)

Exits non-zero if a benchmark broke (not if a target was missed: benchmarks are not tests).
The last line is a JSON summary of each benchmark's own JSON line.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BENCHMARKS = ["lifecycle_rate.py", "import_portfolio.py", "cli_startup.py", "sweep.py", "punctuality.py",
              "dispatch_throughput.py", "alert_latency.py", "sqlite_locks.py"]


def last_json(text: str) -> dict | None:
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def main() -> int:
    summary, failed = {}, []
    load = os.getloadavg()[0]
    print(f"mieux-engine benchmarks: {sys.executable}, {os.cpu_count()} CPUs, load average {load:.2f} at start")
    for name in BENCHMARKS:
        print(f"\n=== bench/{name} ===", flush=True)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(BENCH / name)], cwd=BENCH.parent,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(done.stdout, end="" if done.stdout.endswith("\n") else "\n")
        print(f"(bench/{name}: exit {done.returncode}, {time.perf_counter() - start:.1f} s)", flush=True)
        result = last_json(done.stdout)
        if done.returncode != 0 or result is None:
            failed.append(name)
        summary[name.removesuffix(".py")] = result
    print("\n=== summary ===")
    for name, result in summary.items():
        verdict = "BROKE" if result is None else ("met" if result.get("met") else "MISSED")
        print(f"  {name:18} target {verdict}")
    print(json.dumps({"benchmarks": summary, "broken": failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
