"""What every benchmark shares: its command line, timed rounds, figures, verdicts, the JSON line.

A benchmark is a script with a docstring (its first line says what it measures), a `main()` that
builds a `Report`, times its sides with `interleaved` (or its own loop for whole processes), and
ends with `report.done(figures)`. Every script takes `--quick`: the small sample the test suite
runs (tests/integration/test_bench_sample.py) so that benchmarks do not rot; the figures of a quick run say
little. Benchmarks are not tests: a missed target is printed, not raised.

    report = Report("lifecycle_rate", __doc__, rounds=(5, 1), actions=(2_000, 100))
    seconds = interleaved({"engine": engine_round, "raw": raw_round}, report.args.rounds)
    report.rate("engine", report.args.actions, seconds["engine"], unit="transitions/s")
    report.target("engine >= 1,000 transitions/s", met=...)
    return report.done({"engine_tps": ...})
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
MIEUX = str(Path(sys.executable).parent / "mieux")


class Report:
    """A benchmark's command line (each option with its full and its quick value) and its output."""

    def __init__(self, name: str, doc: str, **options: tuple):
        self.name = name
        parser = argparse.ArgumentParser(description=doc.splitlines()[0],
                                         epilog="--quick: the small sample the test suite runs")
        parser.add_argument("--quick", action="store_true", help="a small, fast sample (its figures say little)")
        for option, (full, _quick, *helptext) in options.items():
            parser.add_argument(f"--{option.replace('_', '-')}", type=type(full), default=None,
                                help=f"{helptext[0] if helptext else option} (default {full})")
        self.args = parser.parse_args()
        for option, (full, quick, *_help) in options.items():
            if getattr(self.args, option) is None:
                setattr(self.args, option, quick if self.args.quick else full)
        self.targets: dict[str, bool] = {}
        self.started, self.load = time.perf_counter(), os.getloadavg()[0]
        print(f"{name}: {os.cpu_count()} CPUs, load average {self.load:.2f} at start"
              f"{' (quick sample)' if self.args.quick else ''}", flush=True)

    def line(self, text: str) -> None:
        print(text, flush=True)

    def rate(self, label: str, count: int, seconds: list[float], *, unit: str = "/s") -> dict:
        """Print and return the rate of `count` things per round over timed rounds."""
        figures = spread([count / s for s in seconds])
        self.line(f"{label + ':':44} median {figures['median']:9,.0f} {unit} (min {figures['min']:,.0f}, "
                  f"max {figures['max']:,.0f}; {1e3 / figures['median']:.3f} ms each)")
        return figures

    def target(self, what: str, *, met: bool, detail: str = "") -> bool:
        self.targets[what] = met
        self.line(f"target: {what} -> {'MET' if met else 'MISSED'}{f' ({detail})' if detail else ''}")
        return met

    def done(self, figures: dict) -> int:
        """The closing lines: the machine's load at the end and the JSON line `make bench` collects."""
        self.line(f"{self.name}: {time.perf_counter() - self.started:.1f} s, load average "
                  f"{os.getloadavg()[0]:.2f} at end (other processes compete for the CPUs when it is above ~1)")
        print(json.dumps({"benchmark": self.name, "quick": self.args.quick, **figures,
                          "targets": self.targets, "met": all(self.targets.values())}, default=str), flush=True)
        return 0


def interleaved(sides: dict[str, Callable[[], float]], rounds: int, *, warmups: int = 1) -> dict[str, list[float]]:
    """Run each side's round (it returns the seconds it took) `warmups` times untimed, then `rounds`
    times, side after side, so drift on the machine hits every side alike."""
    for _ in range(warmups):
        for run in sides.values():
            run()
    seconds: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, run in sides.items():
            seconds[name].append(run())
    return seconds


def spread(values: list[float]) -> dict:
    """Median, min, max and p95 of some figures (p95 is the max below 20 figures)."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if len(ordered) >= 20 else ordered[-1]
    return {"median": statistics.median(ordered), "min": ordered[0], "max": ordered[-1], "p95": p95,
            "n": len(ordered)}


def stopwatch(fn: Callable[[], object]) -> float:
    """Seconds `fn()` took."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# -- `mieux serve` as a benchmark runs it -------------------------------------------------------
def carrying(marker: str) -> list[int]:
    """Live processes other than this one whose environment carries `marker` (this run's temp dir)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int(entry.name) != os.getpid() \
                    and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z" \
                    and marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except (OSError, IndexError):
            continue
    return found


class Serve:
    """`mieux serve` in its own session, its output in `log`; stop() stops it and all it started."""

    def __init__(self, env: dict, log: Path, marker: str):
        self.log, self.marker, self.started = log, marker, time.monotonic()
        with log.open("wb") as out:
            self.process = subprocess.Popen([MIEUX, "serve"], env=env, cwd=ROOT, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"mieux serve exited {self.process.returncode}:\n{self.tail()}")

    def wait_until(self, ready, timeout: float) -> float:
        """Seconds from the start until `ready()`; raises if serve exits or `timeout` passes."""
        while not ready():
            self.alive()
            if time.monotonic() - self.started > timeout:
                raise RuntimeError(f"mieux serve not ready after {timeout:.0f} s:\n{self.tail()}")
            time.sleep(0.25)
        return time.monotonic() - self.started

    def stop(self) -> str:
        start, how = time.monotonic(), "had exited"
        for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            if self.process.poll() is not None:
                break
            how = sig.name
            if sig == signal.SIGKILL:
                os.killpg(self.process.pid, sig)  # its own session: only what it started
            else:
                self.process.send_signal(sig)
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        stopped = f"{how} -> exit {self.process.returncode} after {time.monotonic() - start:.1f} s"
        give_up = time.monotonic() + 5
        while carrying(self.marker) and time.monotonic() < give_up:
            time.sleep(0.25)
        left = carrying(self.marker)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in carrying(self.marker):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            give_up = time.monotonic() + 10
            while carrying(self.marker) and time.monotonic() < give_up:
                time.sleep(0.25)
        if still := carrying(self.marker):
            raise RuntimeError(f"processes of this run still running after SIGKILL: {still}")
        return f"stopped mieux serve: {stopped}; left behind and killed: {left or 'none'}"
