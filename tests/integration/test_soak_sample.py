"""The soak's small sample (`bench/soak.py --quick`: a dozen requests over 120 simulated days through
the engine, every alert by email to a loopback SMTP server, forms answered through their links)
runs clean: nothing refused that a team would not expect, and every invariant holds at the end."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_a_simulated_stretch_of_a_programme_runs_clean_and_its_story_holds_together():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "soak.py"), "--quick"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["problems"] == 0 and figures["refused"] == 0, done.stdout[-3000:]
    assert figures["activities"] >= 50 and figures["answers"] > 100 and figures["sent"] > 1_000
