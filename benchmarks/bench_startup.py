"""How long `import physio` takes in a fresh interpreter (a notebook's first cell, every CLI command).

Target (issue 18): <= 0.3 s cold. The baseline, measured in the same run, is the old behaviour: every public name
loaded at once (`import physio` followed by touching all of physio.__all__). Median of several fresh subprocesses.
Prints its figures; asserts nothing.

Run: .venv/bin/python benchmarks/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.3
HEAVY = ("pandas", "matplotlib", "reportlab", "openpyxl", "python_calamine", "ipywidgets", "numpy")

LAZY = "import physio"
EAGER = "import physio\nfor name in physio.__all__: getattr(physio, name)"
EMPTY = "pass"


def fresh_seconds(code: str, runs: int) -> float:
    """Median wall time of `python -c code` in new interpreters, minus nothing (interpreter start included)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def loaded_heavy() -> list[str]:
    code = f"import sys, physio; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    fresh_seconds(EAGER, 1)  # warm the OS file cache and the .pyc files: "cold" means a new process, not a new disk
    python = fresh_seconds(EMPTY, runs)
    lazy = fresh_seconds(LAZY, runs)
    eager = fresh_seconds(EAGER, runs)
    print(f"fresh interpreter, nothing imported: {python:.3f} s (median of {runs})")
    print(f"import physio: {lazy:.3f} s; heavy libraries loaded: {', '.join(loaded_heavy()) or 'none'}")
    print(f"baseline, every public name loaded at once (what `import physio` used to do): {eager:.3f} s "
          f"({eager / lazy:.1f}x slower)")
    print(f"  target import physio <= {TARGET_S} s: {'met' if lazy <= TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
