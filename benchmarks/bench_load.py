"""A clinic at work: 20 therapists (separate processes) issuing plans and importing returned logs at once.

Against PostgreSQL (a throwaway server started by scripts/pg_cluster.py on 127.0.0.1, stopped at the end) and,
for comparison, SQLite on local disk. Each therapist has a patient of their own and, every few rounds, issues a
version of one plan all of them share (two therapists issuing the same plan at the same moment). At the end
everything is counted back: every issue and every import a therapist was told succeeded must be stored exactly
once (plan versions 1..n without gap or double, imports, current log entries). Prints errors, lost and duplicated
entries, and the median (p50) and p95 latency of an issue and of an import. Bounded in time; asserts nothing.

    python benchmarks/bench_load.py                      # 60 s per database, 20 therapists
    python benchmarks/bench_load.py --seconds 180 --database postgresql
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing as mp
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

SHARED = "shared"
#: Every how many rounds a therapist also issues a version of the plan all of them share.
SHARED_EVERY = 4


def _pg_cluster():
    spec = importlib.util.spec_from_file_location("pg_cluster", ROOT / "scripts" / "pg_cluster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _setup(folder: str, url: str, therapists: int) -> None:
    from adherence_helpers import make_plan
    from physio.models import Patient
    from physio.store import Workspace

    ws = Workspace(folder, database_url=url)
    for pid in [SHARED] + [f"t{i:02d}" for i in range(therapists)]:
        ws.add_patient(Patient(id=pid, name=f"Patient {pid}", birth_year=1980, therapist=f"Therapist {pid}"))
        ws.issue(make_plan(version=0, patient_id=pid), "Setup")


def _therapist(k: int, folder: str, url: str, seconds: float, start_at: float, queue) -> None:
    """One therapist's session: issue, import, issue... until the time is up; reports what succeeded."""
    from adherence_helpers import make_plan
    from physio.importing import import_bytes
    from physio.store import Workspace
    from workspace_helpers import filled_bytes

    out = {"k": k, "issue_ms": [], "import_ms": [], "issued": {}, "imports": 0, "added": 0, "errors": []}
    try:
        ws = Workspace(folder, database_url=url)
        pid, who = f"t{k:02d}", f"Therapist {k:02d}"
        time.sleep(max(0.0, start_at - time.time()))
        end, n = time.time() + seconds, 0
        while time.time() < end:
            n += 1
            for plan_of in ([pid, SHARED] if n % SHARED_EVERY == 0 else [pid]):
                t0 = time.perf_counter()
                try:
                    ws.issue(make_plan(version=0, patient_id=plan_of), who)
                    out["issued"][plan_of] = out["issued"].get(plan_of, 0) + 1
                except Exception as e:  # counted, never hidden
                    out["errors"].append(f"issue: {e}")
                out["issue_ms"].append((time.perf_counter() - t0) * 1000)
            content = filled_bytes(ws, pid, {n % 14: {"Done": "yes", "Pain after (0-10)": n % 3,
                                                      "Notes": f"round {n} of {who}"}})
            t0 = time.perf_counter()
            try:
                report = import_bytes(ws, pid, content, f"log {n}.xlsx", by=who)
                out["imports"] += 0 if report.duplicate else 1
                out["added"] += report.added
            except Exception as e:
                out["errors"].append(f"import: {e}")
            out["import_ms"].append((time.perf_counter() - t0) * 1000)
    except Exception:
        out["errors"].append(traceback.format_exc(limit=3))
    queue.put(out)


def _check(folder: str, url: str, results: list[dict]) -> dict[str, int]:
    """Count back what the therapists were told was stored: lost (missing) and duplicated entries."""
    from physio.store import Workspace

    ws = Workspace(folder, database_url=url)
    lost = duplicated = 0
    issued: dict[str, int] = {}
    for r in results:
        for plan_of, count in r["issued"].items():
            issued[plan_of] = issued.get(plan_of, 0) + count
    for r in results:
        pid = f"t{r['k']:02d}"
        imports = [i for i in ws.imports(pid)]
        lost += max(0, r["imports"] - len(imports))
        duplicated += max(0, len(imports) - r["imports"])
        current = len(ws.log_entries(pid))
        lost += max(0, r["added"] - current)
        duplicated += max(0, current - r["added"])
    for plan_of in [SHARED] + [f"t{k:02d}" for k in range(len(results))]:
        versions = [p.version for p in ws.plan_versions(f"{plan_of}-test-back")]
        expected = 1 + issued.get(plan_of, 0)
        lost += max(0, expected - len(set(versions)))
        duplicated += len(versions) - len(set(versions)) + max(0, len(set(versions)) - expected)
        if versions != list(range(1, len(versions) + 1)):
            duplicated += 1  # a gap or an order that is not 1..n
    return {"lost": lost, "duplicated": duplicated, "shared_versions": len(ws.plan_versions(f"{SHARED}-test-back"))}


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run(kind: str, url: str, folder: str, therapists: int, seconds: float) -> None:
    _setup(folder, url, therapists)
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    start_at = time.time() + 5 + therapists * 0.4  # every process ready before the clock starts
    procs = [ctx.Process(target=_therapist, args=(k, folder, url, seconds, start_at, queue))
             for k in range(therapists)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    results.sort(key=lambda r: r["k"])
    counted = _check(folder, url, results)
    issue_ms = [x for r in results for x in r["issue_ms"]]
    import_ms = [x for r in results for x in r["import_ms"]]
    errors = [e for r in results for e in r["errors"]]
    print(f"{kind}: {therapists} therapists for {seconds:.0f} s: {len(issue_ms)} issues, {len(import_ms)} imports; "
          f"{len(errors)} errors, {counted['lost']} lost, {counted['duplicated']} duplicated; the shared plan has "
          f"{counted['shared_versions']} versions, numbered 1..n")
    print(f"  issue  p50 {statistics.median(issue_ms):7.1f} ms   p95 {_pct(issue_ms, 0.95):7.1f} ms")
    print(f"  import p50 {statistics.median(import_ms):7.1f} ms   p95 {_pct(import_ms, 0.95):7.1f} ms")
    for e in errors[:5]:
        print("  error:", e.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60, help="how long the therapists work (per database)")
    ap.add_argument("--therapists", type=int, default=20)
    ap.add_argument("--database", choices=["both", "postgresql", "sqlite"], default="both")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="physio-load-"))
    try:
        if args.database in ("both", "postgresql"):
            pg = _pg_cluster()
            server = Path(tempfile.mkdtemp(prefix="physio-load-pg-"))  # its own: PostgreSQL's user must reach it
            try:
                base = pg.start(server)
                import psycopg

                with psycopg.connect(base, autocommit=True) as con:
                    con.execute("CREATE DATABASE clinic")
                run("PostgreSQL", pg.url_of(server, "clinic"), str(root / "pg-exports"), args.therapists,
                    args.seconds)
            finally:
                pg.stop(server)
                shutil.rmtree(server, ignore_errors=True)
        if args.database in ("both", "sqlite"):
            run("SQLite (local disk)", "", str(root / "sqlite-ws"), args.therapists, args.seconds)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
