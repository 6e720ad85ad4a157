"""What every benchmark shares: its command line, timed rounds, figures, verdicts, the JSON line.

A benchmark is a script with a docstring (its first line says what it measures), a `main()` that
builds a `Report`, times its sides with `interleaved` (or its own loop for whole processes), and
ends with `report.done(figures)`. Every script takes `--quick`: the small sample the test suite
runs (tests/test_bench_sample.py) so that benchmarks do not rot; the figures of a quick run say
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
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


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
