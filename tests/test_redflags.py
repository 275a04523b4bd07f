"""The red-flag lexicon (protocols/red-flag-lexicon/) and its matching (physio.redflags)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from physio.errors import ProtocolError
from physio.library import DEFAULT_PROTOCOLS_DIR, default_library
from physio.redflags import clean_text, default_lexicon, highlight, highlight_html, load_lexicon, scan
from physio.vocabulary import default_vocabulary

PHRASINGS = Path(__file__).parent / "data" / "red-flag-phrasings.yaml"


def _phrasings() -> dict:
    return yaml.safe_load(PHRASINGS.read_text(encoding="utf-8"))


def test_the_phrasing_set_is_large_enough():
    data = _phrasings()
    assert len(data["must_flag"]["en"]) >= 50
    assert len(data["must_flag"]["ru"]) >= 50
    assert len(data["must_not_flag"]) >= 30


def test_recall_is_complete_and_precision_is_printed(capsys):
    data = _phrasings()
    lex = default_lexicon()
    missed, found = [], 0
    for lang in ("en", "ru"):
        for p in data["must_flag"][lang]:
            flags = [h.flag for h in lex.find(p["text"])]
            if p["flag"] in flags:
                found += 1
            else:
                missed.append(f"{lang}: {p['text']!r} should flag {p['flag']} (found {flags or 'nothing'})")
    false_alarms = [t for t in data["must_not_flag"] if lex.find(t)]
    total = found + len(missed)
    recall = found / total
    precision = found / (found + len(false_alarms))
    with capsys.disabled():
        print(f"\nred-flag lexicon: recall {recall:.1%} ({found}/{total}), precision {precision:.1%} "
              f"({len(false_alarms)} of {len(data['must_not_flag'])} ordinary notes flagged)")
        for t in false_alarms:
            print(f"  flagged an ordinary note: {t!r}: {[h.words for h in lex.find(t)]}")
    assert not missed, "\n".join(missed)
    assert recall == 1.0


def test_levels_come_from_the_vocabulary():
    voc = default_vocabulary()
    for hit in default_lexicon().find("wet myself, fever, pain spreading further down my leg"):
        assert hit.level == voc.red_flag(hit.flag).level
    levels = [h.level for h in default_lexicon().find("pain spreading further down my leg; fever; wet myself")]
    assert levels == sorted(levels, key=["emergency", "urgent", "review"].index)  # most urgent first


def test_false_stems_do_not_match():
    lex = default_lexicon()
    assert lex.find("Жарко было, вспотел") == []
    assert [h.flag for h in lex.find("был жар")] == ["fever"]
    assert lex.find("Немецкий учу") == []
    assert lex.find("Had a great trip to the seaside") == []
    # "numb" stays open for numbness, numbed, numbnes; a number is not numbness
    assert lex.find("Called you, my new phone number is 0161 496 0000") == []
    for text in ("numbness in my left foot", "numbed toes", "numbnes in my leg", "my foot went numb"):
        assert [h.flag for h in lex.find(text)] == ["one-side-neuro"], text


def test_negated_mention_still_flags_and_words_are_highlighted():
    text = "No bladder problems, not numb between my legs"
    hits = default_lexicon().find(text)
    assert {"ces-bladder", "ces-saddle"} <= {h.flag for h in hits}
    bladder = next(h for h in hits if h.flag == "ces-bladder")
    assert bladder.words == ("bladder",)
    assert highlight(text, bladder.spans) == "No [bladder] problems, not numb between my legs"
    saddle = next(h for h in hits if h.flag == "ces-saddle")
    assert "<mark>between my legs</mark>" in highlight_html(text, saddle.spans)


def test_word_forms_of_russian():
    lex = default_lexicon()
    for form in ("немеет", "онемела", "онемение", "занемело", "немеют"):
        assert lex.find(f"{form} нога"), form
    assert {h.flag for h in lex.find("онемела промежность")} >= {"ces-saddle"}


def test_bad_input_is_cleaned_scanned_and_kept():
    long_note = ("ok " * 3000) + "wet myself" + (" ok" * 300)
    assert len(long_note) > 9000
    cleaned, hits = scan(long_note + "\x00\x07\u200b")
    assert cleaned.endswith("ok") and "\x00" not in cleaned and "\u200b" not in cleaned
    assert [h.flag for h in hits] == ["ces-bladder"]
    # control characters inside a word, emoji, Latin look-alike letters in a Russian word
    cleaned, hits = scan("не\u200bмеет между ног 😣")
    assert cleaned == "немеет между ног 😣" and "ces-saddle" in {h.flag for h in hits}
    assert "ces-saddle" in {h.flag for h in scan("нeмeeт мeжду нoг")[1]}  # Latin e and o typed in Cyrillic words
    assert clean_text("  wet\r\nmyself\x1b  ") == "wet\nmyself"


def _copy_protocols(tmp_path: Path) -> Path:
    folder = tmp_path / "protocols"
    shutil.copytree(DEFAULT_PROTOCOLS_DIR, folder)
    return folder


def test_loader_reports_unknown_flag_source_and_pattern_with_file_and_line(tmp_path):
    folder = _copy_protocols(tmp_path) / "red-flag-lexicon"
    text = (folder / "en.yaml").read_text(encoding="utf-8")
    text = text.replace("  - flag: ces-bowel\n", "  - flag: bowel-trouble\n", 1)
    text = text.replace('source: "FI1: screen for infection"', 'source: "ZZ9: made up"', 1)
    text = text.replace("      - 'bowel\\w*'\n", "      - 'bowel(\\w*'\n", 1)
    (folder / "en.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ProtocolError) as e:
        load_lexicon(folder, default_vocabulary(), default_library().sources)
    msg = str(e.value)
    lines = text.splitlines()
    flag_line = next(i for i, ln in enumerate(lines, 1) if "bowel-trouble" in ln)
    assert f"en.yaml:{flag_line} terms" in msg and "unknown red flag 'bowel-trouble'" in msg
    assert "unknown source key 'ZZ9'" in msg
    assert "is not a valid pattern" in msg and "bowel(" in msg


def test_protocols_validate_reports_a_broken_lexicon(tmp_path):
    import subprocess
    import sys

    folder = _copy_protocols(tmp_path)
    f = folder / "red-flag-lexicon" / "ru.yaml"
    text = f.read_text(encoding="utf-8").replace("  - flag: fever\n", "  - flag: жар\n", 1)
    f.write_text(text, encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "flag: жар" in ln)
    exe = Path(sys.executable).with_name("physio")
    done = subprocess.run([str(exe), "protocols", "validate", str(folder)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"ru.yaml:{line} terms" in done.stdout + done.stderr and "unknown red flag 'жар'" in done.stdout + done.stderr


def test_intake_red_flags_use_the_vocabulary(tmp_path):
    from physio.errors import WorkspaceError
    from physio.store import read_patient

    f = tmp_path / "P9.yaml"
    base = "id: P9\nname: Test Person\nbirth_year: 1970\ntherapist: Dr Lee\n"
    f.write_text(base + "red_flags: [Saddle-Anaesthesia, urinary-retention]\n", encoding="utf-8")
    assert read_patient(f).red_flags == ["ces-saddle", "ces-bladder"]  # synonyms stored as the vocabulary's ids
    f.write_text(base + "red_flags: [cauda-equina]\n", encoding="utf-8")
    with pytest.raises(WorkspaceError) as e:
        read_patient(f)
    assert "unknown red flag 'cauda-equina'" in str(e.value) and "ces-bladder" in str(e.value)


@pytest.mark.parametrize("text", [
    "legs " + "_" * 5000, "pain " + "a_" * 5000, "боль " + "_ " * 5000, "legs " + "a " * 5000,
    "legs " + "-" * 9000 + "x", "numb " * 2000, "ноги " + "а_" * 5000, "_" * 10000,
])
def test_a_long_odd_note_is_scanned_in_bounded_time(text):
    import time

    started = time.perf_counter()
    default_lexicon().find(text)
    assert time.perf_counter() - started < 5, "a pattern backtracks on this text"


def test_any_text_is_scanned_without_error():
    from hypothesis import given, settings, strategies as st

    @given(st.text(max_size=400))
    @settings(max_examples=150, deadline=None)
    def scan_any(text):
        cleaned, hits = scan(text)
        for h in hits:
            assert all(0 <= a < b <= len(cleaned) for a, b in h.spans)
            assert highlight(cleaned, h.spans).replace("[", "").replace("]", "") == \
                cleaned.replace("[", "").replace("]", "")

    scan_any()
