"""How fast plans become files: one patient's handout + workbook, and a batch of 500 patients.

Targets (issue 4, on a 2-core machine): one 6-week, 8-exercise plan in <= 150 ms median; 500 patients <= 60 s.
Prints its figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from export_helpers import make_plan  # noqa: E402

from physio.io.export import export_all  # noqa: E402
from physio.io.pdf import handout_bytes  # noqa: E402
from physio.io.xlsx import workbook_bytes  # noqa: E402
from physio.models import Patient  # noqa: E402
from physio.store import Workspace  # noqa: E402

ONE_TARGET_MS = 150
BATCH_TARGET_S = 60
BATCH = 500
RUNS = 25


def one_patient() -> None:
    plan = make_plan(n_exercises=8, weeks=6)
    t0 = time.perf_counter()
    handout_bytes(plan)
    workbook_bytes(plan)
    cold = (time.perf_counter() - t0) * 1000
    pdf_ms, xlsx_ms, both_ms = [], [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        handout_bytes(plan)
        t1 = time.perf_counter()
        workbook_bytes(plan)
        t2 = time.perf_counter()
        pdf_ms.append((t1 - t0) * 1000)
        xlsx_ms.append((t2 - t1) * 1000)
        both_ms.append((t2 - t0) * 1000)
    median = statistics.median(both_ms)
    print(f"one patient, 6 weeks x 8 exercises ({RUNS} runs): median {median:.1f} ms "
          f"(handout {statistics.median(pdf_ms):.1f} ms, workbook {statistics.median(xlsx_ms):.1f} ms; "
          f"first call incl. font loading {cold:.1f} ms)")
    print(f"  target <= {ONE_TARGET_MS} ms: {'met' if median <= ONE_TARGET_MS else 'NOT met'}")


def batch() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        ws.add_patients([Patient(id=f"b{i:04d}", name=f"Пациент {i}", birth_year=1960 + i % 40,
                                 therapist="Dr. Maria Ivanova") for i in range(BATCH)])
        for i in range(BATCH):
            ws.issue(make_plan(n_exercises=8, weeks=6, patient_id=f"b{i:04d}", patient_name=f"Пациент {i}"),
                     issued_by="Dr. Maria Ivanova")
        out = Path(tmp) / "out"
        out.mkdir()
        t0 = time.perf_counter()
        result = export_all(ws, out, progress=False)
        total = time.perf_counter() - t0
    print(f"{BATCH} patients through export_all (reading the workspace, both files written): {total:.1f} s "
          f"({total / BATCH * 1000:.0f} ms per patient; {len(result.exported)} exported, {len(result.failed)} failed)")
    print(f"  target <= {BATCH_TARGET_S} s: {'met' if total <= BATCH_TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    one_patient()
    batch()
