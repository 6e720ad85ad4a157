"""Every benchmark's quick sample runs end to end and ends with its JSON line, so benchmarks do not rot.

Benchmarks are not tests: whether a target is met says nothing here (a quick sample's figures say
little) and is not asserted. The samples run side by side (most of their time is spent waiting on
servers they start), in two batches so the two cores are not buried.
"""
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SERVING = {"punctuality.py", "alert_latency.py"}
"""The samples that run `mieux serve`: they wait most, so they go with the others."""


def benchmarks() -> list[str]:
    """The scripts `make bench` runs: bench/run_all.py's BENCHMARKS."""
    spec = importlib.util.spec_from_file_location("bench_run_all", ROOT / "bench" / "run_all.py")
    run_all = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_all)
    return run_all.BENCHMARKS


def test_the_quick_sample_of_every_benchmark_runs_and_ends_with_its_json_line():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIEUX_", "PREFECT_"))} | {
        "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    scripts = benchmarks()
    serving = [s for s in scripts if s in SERVING]
    batches = [serving + scripts[:1], [s for s in scripts[1:] if s not in SERVING]]
    assert sorted(s for batch in batches for s in batch) == sorted(scripts)
    problems = []
    for batch in batches:
        running = {script: subprocess.Popen([sys.executable, str(ROOT / "bench" / script), "--quick"], cwd=ROOT,
                                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for script in batch}
        for script, process in running.items():
            out, err = process.communicate(timeout=300)
            output = f"bench/{script} --quick exited {process.returncode}\nstdout:\n{out[-3000:]}\nstderr:\n{err[-3000:]}"
            try:
                last = json.loads(out.strip().splitlines()[-1])
            except (IndexError, ValueError):
                problems.append(output)
                continue
            if process.returncode != 0 or last.get("benchmark") != script.removesuffix(".py") or last.get("quick") is not True:
                problems.append(output)
    assert not problems, "\n\n".join(problems)
