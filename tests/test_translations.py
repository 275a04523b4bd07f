"""Russian-speaking patients get their handout and workbook in Russian; the translation file is checked on load."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml

from export_helpers import need_tool
from physio.errors import PlanError, ProtocolError
from physio.example import EXAMPLE_DIR
from physio.io._labels import LABELS
from physio.io.logs import read_log_bytes
from physio.io.pdf import write_handout
from physio.io.xlsx import LOG_SHEET, PLAN_SHEET, workbook_bytes
from physio.library import DEFAULT_PROTOCOLS_DIR, default_library, load_library
from physio.models import LOG_COLUMNS, Dose, Plan
from physio.planning import personalise, schedule
from physio.store import read_patients
from physio.validate import validate

RU_FILE = DEFAULT_PROTOCOLS_DIR / "translations" / "ru.yaml"
START = dt.date(2026, 9, 7)


@pytest.fixture(scope="module")
def lib():
    return default_library()


@pytest.fixture(scope="module")
def patients():
    return {p.id: p for p in read_patients(EXAMPLE_DIR / "patients")}


@pytest.fixture(scope="module")
def ru_plan(lib, patients) -> Plan:
    """P002 (language ru), scoliosis phase 1, as the example workspace issues it."""
    patient = patients["P002"]
    assert patient.language == "ru"
    proto = lib.protocol("scoliosis")
    return personalise(proto, patient, proto.phases[0].id, START, library=lib)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def english_label_fragments() -> list[str]:
    """The fixed words of every English label, without their placeholders: none may show in a Russian file."""
    out: set[str] = set()
    for text in LABELS["en"].values():
        for part in re.split(r"\{[^}]*\}|&[PN]", text):
            part = part.strip(" ().:;,'")
            if len(part) >= 3:
                out.add(part)
    return sorted(out)


# ---------------------------------------------------------------- the file and its checks


def test_ru_file_loads_and_covers_every_exercise_and_protocol(lib):
    ru = lib.translations["ru"]
    assert set(ru.exercises) == set(lib.exercises)
    assert set(ru.protocols) == set(lib.protocols)
    for ex_id, ex in lib.exercises.items():
        assert len(ru.exercises[ex_id].steps) == len(ex.steps), ex_id
        assert len(ru.exercises[ex_id].cautions) == len(ex.cautions), ex_id
        assert re.search("[а-яА-Я]", ru.exercises[ex_id].name), ex_id
    for proto in lib.protocols.values():
        texts = ru.protocols[proto.id]
        assert set(texts.phases) == {ph.id for ph in proto.phases}
        assert len(texts.stop_rules) == len(proto.stop_rules)
        assert set(texts.red_flags) == {f.id for f in proto.red_flags}


def test_label_tables_have_the_same_keys():
    assert set(LABELS["ru"]) == set(LABELS["en"])


def _broken_copy(tmp_path: Path, edit) -> Path:
    """A copy of the shipped protocols folder whose ru.yaml has been changed by `edit(data)`."""
    folder = tmp_path / "protocols"
    shutil.copytree(DEFAULT_PROTOCOLS_DIR, folder)
    data = yaml.safe_load(RU_FILE.read_text(encoding="utf-8"))
    edit(data)
    (folder / "translations" / "ru.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return folder


def _line_of(folder: Path, text: str) -> int:
    lines = (folder / "translations" / "ru.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_unknown_exercise_id_is_refused_with_file_and_line(tmp_path):
    def edit(data):
        data["exercises"]["no-such-exercise"] = data["exercises"]["squat"]

    folder = _broken_copy(tmp_path, edit)
    with pytest.raises(ProtocolError) as e:
        load_library(folder)
    line = _line_of(folder, "no-such-exercise:")
    assert f"ru.yaml:{line} exercises.no-such-exercise: unknown exercise id 'no-such-exercise'" in str(e.value)


def test_wrong_step_count_missing_exercise_and_unknown_phase_are_all_reported(tmp_path):
    def edit(data):
        data["exercises"]["squat"]["steps"].pop()
        del data["exercises"]["cobra"]
        data["protocols"]["scoliosis"]["phases"]["no-such-phase"] = {"name": "x", "goal": "y"}
        data["protocols"]["scoliosis"]["stop_rules"].pop()

    folder = _broken_copy(tmp_path, edit)
    with pytest.raises(ProtocolError) as e:
        load_library(folder)
    msg = str(e.value)
    assert re.search(r"ru\.yaml:\d+ exercises\.squat\.steps: 2 steps here, but the English has 3", msg)
    assert "not translated: cobra" in msg
    assert f"ru.yaml:{_line_of(folder, 'no-such-phase:')} protocols.scoliosis.phases.no-such-phase: unknown phase id" in msg
    assert re.search(r"ru\.yaml:\d+ protocols\.scoliosis\.stop_rules: 4 stop rules here, but the English has 5", msg)


def test_a_changed_number_is_refused(tmp_path):
    def edit(data):
        data["exercises"]["board-traction-supine"]["cautions"][1] = "Никогда не дольше 30 минут."

    folder = _broken_copy(tmp_path, edit)
    with pytest.raises(ProtocolError, match=r"board-traction-supine\.cautions\[1\]: the numbers differ .*20 in English, 30 here"):
        load_library(folder)


# ---------------------------------------------------------------- doses in Russian


@pytest.mark.parametrize("dose, expected", [
    (Dose(sets=3, reps=10, hold_s=5, sessions_per_day=2, days_per_week=5),
     "3 × 10, удержание 5 с, 2 раза в день, 5 дней в неделю"),
    (Dose(reps=10, per_side=True, sessions_per_day=1, days_per_week=7), "10 раз на каждую сторону, 1 раз в день, каждый день"),
    (Dose(reps=1), "1 раз"),
    (Dose(reps=3, days_per_week=2), "3 раза, 2 дня в неделю"),
    (Dose(reps=12, days_per_week=1), "12 раз, 1 день в неделю"),
    (Dose(sets=2, duration_s=30, per_side=True), "2 × 30 с на каждую сторону"),
    (Dose(duration_s=120, angle_deg=30), "2 мин, наклон 30°"),
    (Dose(duration_s=90, per_side=True), "1 мин 30 с на каждую сторону"),
    (Dose(sets=3, reps=8, rest_s=60), "3 × 8, отдых 1 мин между подходами"),
    (Dose(sets=1, reps=8, rest_s=30), "1 × 8, отдых 30 с"),
    (Dose(sets=21, hold_s=10), "21 подход, удержание 10 с"),
    (Dose(sets=4, hold_s=10), "4 подхода, удержание 10 с"),
    (Dose(reps=5, sessions_per_day=11, days_per_week=5), "5 раз, 11 раз в день, 5 дней в неделю"),
])
def test_dose_summary_in_russian(dose, expected):
    assert dose.summary("ru") == expected


def test_english_dose_summary_is_the_default():
    d = Dose(sets=3, reps=10, hold_s=5, sessions_per_day=2, days_per_week=5)
    assert d.summary() == d.summary("en") == "3 × 10, hold 5 s, 2 sessions a day, 5 days a week"


# ---------------------------------------------------------------- plans


def test_plan_stores_the_russian_texts(lib, ru_plan):
    ru = lib.translations["ru"]
    proto = lib.protocol("scoliosis")
    assert ru_plan.language == "ru"
    assert ru_plan.protocol_title == ru.protocols["scoliosis"].title
    assert ru_plan.phase_name == ru.protocols["scoliosis"].phases[proto.phases[0].id].name
    assert [r.text for r in ru_plan.stop_rules] == ru.protocols["scoliosis"].stop_rules
    assert [f.text for f in ru_plan.red_flags] == [ru.protocols["scoliosis"].red_flags[f.id] for f in proto.red_flags]
    for pe in ru_plan.exercises:
        assert pe.exercise.name == ru.exercises[pe.exercise.id].name
        assert pe.exercise.steps == ru.exercises[pe.exercise.id].steps
        assert pe.exercise.tags == lib.exercise(pe.exercise.id).tags  # what the safety screen reads is kept


def test_language_argument_overrides_the_patient(lib, patients):
    proto = lib.protocol("scoliosis")
    en = personalise(proto, patients["P002"], proto.phases[0].id, START, library=lib, language="en")
    assert en.language == "en" and en.phase_name == proto.phases[0].name
    ru = personalise(proto, patients["P006"], proto.phases[0].id, START, library=lib, language="ru")
    assert ru.language == "ru" and ru.exercises[0].exercise.name == lib.translations["ru"].exercises[ru.exercises[0].exercise.id].name


def test_warnings_and_cleared_lines_are_in_the_plans_language(lib, patients):
    patient = patients["P002"].model_copy(update={"birth_year": 2000})  # over 18: a screening warning
    proto = lib.protocol("scoliosis")
    plan = personalise(proto, patient, proto.phases[0].id, START, library=lib)
    texts = lib.translations["ru"].protocols["scoliosis"].warnings
    # Cobb 22° with Risser 2 recorded: the specialist-review warning too, in Russian
    assert plan.warnings == [f"{texts['growing-cobb-20']} (угол Кобба 22°, 20° или больше, Риссер 2)",
                             f"{texts['age-over-18']} (возраст 26, больше 18)"]


def test_a_language_without_a_file_is_refused(tmp_path, patients):
    folder = tmp_path / "protocols"
    shutil.copytree(DEFAULT_PROTOCOLS_DIR, folder, ignore=shutil.ignore_patterns("translations"))
    bare = load_library(folder)
    proto = bare.protocol("scoliosis")
    with pytest.raises(PlanError, match=r"no translations/ru\.yaml"):
        personalise(proto, patients["P002"], proto.phases[0].id, START, library=bare)


def test_stored_plan_without_language_loads_as_english(ru_plan):
    data = ru_plan.model_dump(mode="json")
    del data["language"]
    assert Plan.model_validate(data).language == "en"


# ---------------------------------------------------------------- the handout and the workbook


def test_russian_handout_has_russian_names_doses_safety_and_footer_and_no_english_label(ru_plan, tmp_path):
    exe = need_tool("pdftotext", "it extracts the handout's text")
    path = write_handout(ru_plan, tmp_path / "ru.pdf")
    text = flat(subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                               text=True).stdout)
    ru = LABELS["ru"]
    for pe in ru_plan.exercises:
        assert pe.exercise.name in text
        assert pe.dose.summary("ru") in text
    assert ru["scale_title"] in text and ru["zone_emergency"] in text
    assert ru["footer"].format(therapist=ru_plan.therapist, patient=ru_plan.patient.name) in text
    assert "сентября 2026 г." in text and " Пн " in text and "Неделя 1" in text
    leaked = [w for w in english_label_fragments() if re.search(rf"\b{re.escape(w)}\b", text)]
    assert leaked == []
    lib = default_library()
    assert not [pe.exercise.id for pe in ru_plan.exercises if lib.exercise(pe.exercise.id).name in text]


def test_russian_workbook_plan_sheet_and_log_read_back(ru_plan):
    content = workbook_bytes(ru_plan)
    wb = openpyxl.load_workbook(io.BytesIO(content))
    cells = [c for row in wb["План"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    sheet = "\n".join(cells)
    ru = LABELS["ru"]
    for pe in ru_plan.exercises:
        assert f". {pe.exercise.name}" in sheet
        assert pe.dose.summary("ru") in cells
    assert ru["scale_title"] in cells and ru["zone_emergency"] in cells
    assert ru["footer"].format(therapist=ru_plan.therapist, patient=ru_plan.patient.name) in cells
    leaked = [w for w in english_label_fragments() if re.search(rf"\b{re.escape(w)}\b", sheet)]
    assert leaked == []

    # every sheet's name and every word of the log in Russian (issue 14, point 6)
    assert wb.sheetnames[:3] == ["План", "Дневник", "Тревожные признаки"]
    log = wb["Дневник"]
    header = [c.value for c in log[3] if c.value]
    assert header[0] == "Дата" and header[-3:] == ["Боль в спине сегодня (0‑10)", "Боль в ноге сегодня (0‑10)",
                                                   "Заметки"]
    for n, pe in enumerate(ru_plan.exercises, 1):  # the Russian short name; the full one on the how-to sheet
        assert f"{n}. {pe.exercise.short_name}" in header and pe.exercise.short_name != pe.exercise.name
    legend = [r[:2] for r in wb["Как заполнять"].iter_rows(min_row=5, values_only=True)]
    assert legend == [(f"{n}. {pe.exercise.short_name}", pe.exercise.name) for n, pe in enumerate(ru_plan.exercises, 1)]
    assert log["A4"].number_format.startswith("[$-419]")  # weekday names in Russian
    ticks = [dv for dv in log.data_validations.dataValidation if dv.type == "list"]
    assert ticks and ticks[0].error.startswith("Выберите") and ticks[0].prompt.startswith("Выберите")
    texts = " ".join(str(c.value) for row in log.iter_rows(max_row=3) for c in row if isinstance(c.value, str))
    leaked = [w for w in ("Date", "Notes", "pain", "Session", "yes") if re.search(rf"\b{w}\b", texts)]
    assert leaked == []

    # the patient ticks the first exercise of the first day; the importer reads the Russian workbook back
    log.cell(row=4, column=2 + ("Занятие" in header), value="✓")
    buf = io.BytesIO()
    wb.save(buf)
    raw = read_log_bytes(buf.getvalue(), "returned.xlsx")
    assert (raw.layout, raw.sheet) == ("days", "Дневник")
    from physio.validate_days import validate_days

    checked = validate_days(raw, ru_plan, schedule(ru_plan), patient_id=ru_plan.patient.id).checked
    assert checked.rows_rejected == 0
    done = [e.exercise_id for e in checked.entries if e.done]
    assert done == [ru_plan.exercises[0].exercise.id]


def test_every_word_of_a_russian_workbook_is_russian(ru_plan):
    """Issue 14, point 6: sheet names, titles, instructions, headers, list items and messages of every sheet the
    patient sees; nothing of the English workbook words shows (the hidden plan sheet and the hidden columns of the
    red-flag check, read only by the importer, aside)."""
    from physio.translations import WORKBOOK_WORDS, workbook_words

    content = workbook_bytes(ru_plan, psfs_activities=["Надевать носки", "Ходить в магазин", "Сидеть"])
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ru = workbook_words("ru", default_library().translations)
    assert wb.sheetnames == [ru["sheet_plan"], ru["sheet_log"], ru["sheet_psfs"], "Тревожные признаки",
                             ru["sheet_howto"], "physio_meta"]
    english = {w for text in WORKBOOK_WORDS.values() for w in re.findall(r"[A-Za-z]{3,}", text)}
    shown: list[str] = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        hidden = {k for k, d in ws.column_dimensions.items() if d.hidden}
        shown += [c.value for row in ws.iter_rows() for c in row
                  if isinstance(c.value, str) and c.column_letter not in hidden]
        for dv in ws.data_validations.dataValidation:
            shown += [dv.prompt or "", dv.error or "", dv.promptTitle or "", dv.errorTitle or "", dv.formula1 or ""]
        shown += [ws.oddFooter.right.text or ""]
    leaked = sorted({w for text in shown for w in re.findall(r"[A-Za-z]{3,}", text)} & english)
    assert leaked == []
    assert '"да,нет"' in shown and ru["tick_error"] in shown and "страница &P из &N" in shown
