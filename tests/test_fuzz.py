"""Issue 12, point 5: no tracebacks on bad input. Bounded property-based fuzzing of protocol folders
(`physio protocols validate`) and returned files (`physio import`), plus the crashes the issue found.

Status 2 is a user error, 1 only "validate found problems"; any other exception fails these tests."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from physio.cli import main

from workspace_helpers import filled_bytes, tree, two_patients

REPO = Path(__file__).resolve().parent.parent
PROTOCOLS = REPO / "protocols"
PROTOCOL_FILES = sorted(str(p.relative_to(PROTOCOLS)) for p in PROTOCOLS.rglob("*.yaml"))
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: Values that broke or could break a reader: control characters, impossible dates, YAML syntax, huge numbers.
NASTY = ["\x01", "\x00", "\x1b", "\u2028", "\ufeff", "2026-02-30", "2026-13-01", "!!timestamp 2026-02-30", "[", "{",
         "{a: 1}", "[1, 2]", "- x", "? x", "&a", "*a", "*nothing", "!!python/object:os.system", "!!binary x", "1e999",
         "-1", "999999999999999999999", ".nan", ".inf", "~", "''", "x" * 3000, ":", "- - -", "@", "%TAG"]


def _validate(folder: Path, capsys) -> tuple[int, str]:
    code = main(["protocols", "validate", str(folder)])
    return code, capsys.readouterr().err


@st.composite
def broken_protocols(draw):
    """(file, text) for one protocol file changed the way a hand edit or a bad copy might."""
    name = draw(st.sampled_from(PROTOCOL_FILES))
    text = (PROTOCOLS / name).read_text(encoding="utf-8")
    lines = text.split("\n")
    i = draw(st.integers(0, len(lines) - 1))
    op = draw(st.sampled_from(["value", "insert", "delete", "indent", "truncate", "text"]))
    nasty = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=40)))
    if op == "value":
        key = lines[i].split(":", 1)[0] if ":" in lines[i] else lines[i]
        lines[i] = f"{key}: {nasty}"
    elif op == "insert":
        at = draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:at] + nasty + lines[i][at:]
    elif op == "delete":
        del lines[i]
    elif op == "indent":
        lines[i] = " " * draw(st.integers(1, 5)) + lines[i]
    elif op == "truncate":
        lines = lines[:i]
    else:
        lines[i] = nasty
    return name, "\n".join(lines)


@pytest.mark.slow
@FUZZ
@given(case=broken_protocols())
def test_fuzzed_protocol_folders_give_problems_never_tracebacks(case, tmp_path_factory, capsys):
    name, text = case
    folder = tmp_path_factory.mktemp("fuzz") / "protocols"
    shutil.copytree(PROTOCOLS, folder)
    (folder / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    code, err = _validate(folder, capsys)  # any exception other than the clean ones fails the test here
    assert code in (0, 1)
    assert "Traceback" not in err
    if code == 1:
        assert err.strip()


@pytest.mark.parametrize("name,change,words", [
    ("exercises.yaml", lambda t: t.replace("name:", "name: \x01", 1), "character YAML does not allow"),
    ("exercises.yaml", lambda t: t.replace("    name:", "    reviewed: 2026-02-30\n    name:", 1), "2026-02-30"),
    ("poses.yaml", lambda t: t.replace("exercises:", "exercises:\n  bogus: {start: {from: [1]}}", 1), "poses.yaml"),
    ("poses.yaml", lambda t: t + "\n  x: !!timestamp 2026-02-30\n", "poses.yaml"),
    ("poses.yaml", lambda t: re.sub(r"\n    marks: .*", "\n    marks: 5", t, count=1), "expected a list of marks"),
])
def test_the_crashes_found_by_fuzzing_are_problems_now(tmp_path, capsys, name, change, words):
    folder = tmp_path / "protocols"
    shutil.copytree(PROTOCOLS, folder)
    f = folder / name
    f.write_text(change(f.read_text(encoding="utf-8")), encoding="utf-8")
    code, err = _validate(folder, capsys)
    assert code == 1 and words in err and "Traceback" not in err


def test_a_pose_built_on_a_broken_posture_is_reported_not_a_crash(tmp_path, capsys):
    folder = tmp_path / "protocols"
    shutil.copytree(PROTOCOLS, folder)
    f = folder / "poses.yaml"
    text = f.read_text(encoding="utf-8")
    posture = text.split("postures:\n", 1)[1].split(":", 1)[0].strip()
    # the posture everything starts from loses its tilt: every pose built on it is broken
    f.write_text(text.replace("postures:\n", f"postures:\n  {posture}-x: {{}}\n", 1)
                 .replace(f"from: {posture}", f"from: {posture}-x"), encoding="utf-8")
    code, err = _validate(folder, capsys)
    assert code == 1 and "missing 'tilt'" in err


# ---------------------------------------------------------------- returned files


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return two_patients(tmp_path_factory.mktemp("fuzz-import") / "ws")


def _bases(ws) -> list[bytes]:
    out = [filled_bytes(ws, "anna-k", {0: {"Done": "yes", "Notes": "ok"}, 1: {"Done": "no", "Pain after (0-10)": 3}}),
           "Дата;Упражнение;Выполнено\n07.09.2026;Bridge;да\n".encode("cp1251"),
           b"Date,Exercise,Done,Pain before\n07.09.2026,Bridge,yes,3\n08.09.2026,Bird-dog,no,2\n"]
    return out + [p.read_bytes() for p in sorted((REPO / "patients_example" / "logs").glob("*--*.*"))]


def _mutate_part(data: bytes, part: int, at: int, junk: bytes) -> bytes:
    """Damage the inside of one workbook part and pack it again, so the damage reaches the spreadsheet reader."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    infos = zin.infolist()
    victim = infos[part % len(infos)].filename
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in infos:
            b = zin.read(i)
            if i.filename == victim:
                p = at % (len(b) + 1)
                b = b[:p] + junk + b[p + len(junk):]
            z.writestr(i.filename, b)
    return out.getvalue()


@st.composite
def damaged_files(draw):
    return draw(st.integers(0, 20)), draw(st.sampled_from(["flip", "cut", "insert", "part"])), \
        draw(st.integers(0, 10**6)), draw(st.binary(min_size=1, max_size=40)), \
        draw(st.sampled_from(["log.xlsx", "log.csv", "log.xls", "log"]))


@pytest.mark.slow
@FUZZ
@given(case=damaged_files())
def test_fuzzed_returned_files_are_read_or_refused_never_a_traceback(case, ws, tmp_path_factory, capsys):
    base_i, op, at, junk, name = case
    bases = _bases(ws)
    data = bases[base_i % len(bases)]
    if op == "flip":
        b = bytearray(data)
        for k, ch in enumerate(junk):
            b[(at + k * 7919) % len(b)] = ch
        data = bytes(b)
    elif op == "cut":
        data = data[: at % len(data)]
    elif op == "insert":
        p = at % len(data)
        data = data[:p] + junk + data[p:]
    elif data.startswith(b"PK"):
        data = _mutate_part(data, at, at // 7, junk)
    path = tmp_path_factory.mktemp("f") / name
    path.write_bytes(data)
    code = main(["--workspace", str(ws.folder), "import", "anna-k", str(path)])
    err = capsys.readouterr().err
    assert code in (0, 2) and "Traceback" not in err
    if code == 2:
        assert err.startswith("physio: error: ")


def test_a_damaged_workbook_relation_is_a_sentence_not_a_unicode_error(ws, tmp_path, capsys):
    good = filled_bytes(ws, "anna-k", {0: {"Done": "yes"}})
    zin = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in zin.infolist():
            b = zin.read(i)
            if i.filename == "xl/_rels/workbook.xml.rels":
                b = b.replace(b'Target="', b'Target="\xff\xfe', 1)
            z.writestr(i.filename, b)
    f = tmp_path / "damaged.xlsx"
    f.write_bytes(out.getvalue())
    before = tree(ws.folder)
    code = main(["--workspace", str(ws.folder), "import", "boris-m", str(f)])
    err = capsys.readouterr().err
    assert code == 2 and "UnicodeDecodeError" not in err and err.startswith("physio: error: damaged.xlsx")
    assert tree(ws.folder) == before


def test_output_cut_short_by_head_is_not_an_error(ws, tmp_path):
    """`physio import … | head -1`: the report is longer than the pipe holds; head stops reading after a line."""
    rows = ["Date,Exercise,Done,Pain before"] + [f"{7 + i % 20:02d}.09.2026,Bridge,yes,{20 + i}" for i in range(3000)]
    f = tmp_path / "many-rejections.csv"
    f.write_text("\n".join(rows) + "\n")
    cmd = f"{sys.executable} -m physio.cli --workspace {ws.folder} import boris-m {f} | head -1; " \
          "echo \"status ${PIPESTATUS[0]}\""
    done = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines()[0].startswith("many-rejections.csv")
    assert done.stdout.splitlines()[-1] == "status 0"
    assert done.stderr == ""  # no UnboundLocalError, no "Exception ignored" on closing stdout
