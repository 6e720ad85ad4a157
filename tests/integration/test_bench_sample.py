"""Every benchmark's quick sample runs end to end and ends with its JSON line, so benchmarks do not rot.

Benchmarks are not tests: whether a target is met says nothing here (a quick sample's figures say
little) and is not asserted.
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


def benchmarks() -> list[str]:
    """The scripts `make bench` runs: bench/run_all.py's BENCHMARKS."""
    spec = importlib.util.spec_from_file_location("bench_run_all", ROOT / "bench" / "run_all.py")
    run_all = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_all)
    return run_all.BENCHMARKS


@pytest.mark.parametrize("script", benchmarks())
def test_the_quick_sample_of_a_benchmark_runs_and_ends_with_its_json_line(script):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIEUX_", "PREFECT_"))} | {
        "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--quick"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)
    output = f"stdout:\n{done.stdout[-4000:]}\nstderr:\n{done.stderr[-4000:]}"
    assert done.returncode == 0, f"bench/{script} --quick exited {done.returncode}\n{output}"
    last = json.loads(done.stdout.strip().splitlines()[-1])
    assert last["benchmark"] == script.removesuffix(".py"), output
    assert last["quick"] is True, output
