"""Reading one file of the protocols folder: YAML with the line of every field, a model checked with each
problem as "file:line field: what is wrong", and the source keys every clinical number names.

The library, the vocabulary, the translations, the red-flag lexicon, the weekly check, the outcome measures and
the drawings' poses all read their files this way; it imports none of them (they import it).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import BaseModel, ValidationError

from ._yaml import AliasBombError, check_expansion
from .errors import ProtocolError

#: The folder shipped with the project; PHYSIO_PROTOCOLS points elsewhere (e.g. a clinic's own copy).
DEFAULT_PROTOCOLS_DIR = Path(__file__).resolve().parent.parent / "protocols"

#: A source field starts with one or more keys, e.g. "TE1, TE2: manufacturer advice; article: Cat".
TEAM_DEFAULT = "team-default"
_SOURCE_KEYS = re.compile(r"^\s*([A-Za-z][A-Za-z0-9-]*(?:\s*,\s*[A-Za-z][A-Za-z0-9-]*)*)\s*(?::|$)")


# ---------------------------------------------------------------- YAML with line numbers

#: libyaml's loader when PyYAML was built with it (5-10× faster); same safe subset of YAML either way.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _lines(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map every path in a YAML document (keys and list indexes) to its 1-based line."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out[path + (key,)] = k.start_mark.line + 1
            _lines(v, path + (key,), out)
            out[path + (key,)] = k.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _lines(v, path + (i,), out)
    return out


@dataclass
class _Doc:
    file: Path
    data: Any
    lines: dict[tuple, int]

    def where(self, path: tuple) -> str:
        """'file:line field.path', using the deepest part of the path that exists in the file."""
        p = tuple(path)
        while p and p not in self.lines:
            p = p[:-1]
        line = self.lines.get(p, 1)
        return f"{self.file.name}:{line} {_dotted(path)}".rstrip()


#: Units named in messages, by the suffix of a field name (hold_s, angle_deg).
_UNITS = {"s": " of seconds (write 30, not 30s)", "deg": " of degrees (write 30, not 30°)"}


#: Plain words for pydantic's range errors ("Input should be greater than or equal to 1").
_BOUNDS = {
    "greater_than_equal": "must be at least {}",
    "greater_than": "must be more than {}",
    "less_than_equal": "must be at most {}",
    "less_than": "must be less than {}",
    "too_short": "needs at least {1} item(s)",
}


def _dotted(path: tuple) -> str:
    s = ""
    for part in path:
        s += f"[{part}]" if isinstance(part, int) else (f".{part}" if s else str(part))
    return s


def _read(file: Path) -> _Doc:
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ProtocolError(f"{file.name}: not UTF-8 text ({e.reason} at byte {e.start}); save it as UTF-8") from e
    except OSError as e:
        raise ProtocolError(f"{file}: cannot be read ({e.strerror})") from e
    try:
        node = yaml.compose(text, Loader=_LOADER)
        check_expansion(node)
        data = yaml.load(text, Loader=_LOADER)
    except AliasBombError as e:
        raise ProtocolError(f"{file.name}:{e}") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        line = mark.line + 1 if mark else "?"
        raise ProtocolError(f"{file.name}:{line} is not valid YAML: {e.problem}") from e
    except yaml.reader.ReaderError as e:  # a character YAML does not allow (a control character, say)
        line = text[: e.position].count("\n") + 1
        raise ProtocolError(f"{file.name}:{line} has a character YAML does not allow (code {e.character!r}); "
                            "delete it (it may be invisible) and save the file again") from None
    except RecursionError:
        raise ProtocolError(f"{file.name}: the values are nested too deeply to be a protocol file") from None
    except (ValueError, OverflowError, TypeError, AttributeError) as e:  # a value YAML cannot build: 2026-02-30
        line, value = _bad_value(node)
        raise ProtocolError(f"{file.name}:{line} has the value {value!r}, which cannot be read ({e}); "
                            "write a real date as YYYY-MM-DD, or put the text in quotes") from None
    if node is None:
        raise ProtocolError(f"{file.name}:1 the file is empty")
    return _Doc(file, data, _lines(node))


def _bad_value(node: yaml.Node | None) -> tuple[int | str, str]:
    """Line of the first scalar that YAML's own constructor cannot build (such as a date that does not exist)."""
    stack = [node] if node is not None else []
    seen: set[int] = set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, yaml.ScalarNode):
            try:
                yaml.SafeLoader("").construct_object(n, deep=True)
            except (ValueError, OverflowError, TypeError, AttributeError, yaml.YAMLError):
                return n.start_mark.line + 1, str(n.value)[:60]
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(reversed(n.value))
        elif isinstance(n, yaml.MappingNode):
            for k, v in reversed(n.value):
                stack.extend((v, k))
    return "?", "?"


def _validate(model: type[BaseModel], data: Any, doc: _Doc, base: tuple, problems: list[str]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            loc = base + tuple(err["loc"])
            given = err.get("input")
            shown = "" if isinstance(given, (dict, list)) or err["type"] == "missing" else f" (given: {given!r})"
            msg = err["msg"].removeprefix("Value error, ")
            field_name = str(loc[-1]) if loc else ""
            if err["type"] == "missing":
                msg = "this field is required"
            elif err["type"] in ("int_parsing", "int_type", "float_parsing", "int_from_float") and isinstance(given, str):
                unit = _UNITS.get(field_name.rsplit("_", 1)[-1], "")
                msg = f"expected a plain number{unit}, without units or text"
            elif err["type"] == "extra_forbidden":
                msg = "unknown field; check its spelling"
            elif err["type"] == "literal_error":
                msg = msg.replace("Input should be", "allowed values are")
            elif err["type"] in _BOUNDS:
                msg = _BOUNDS[err["type"]].format(*err.get("ctx", {}).values())
            problems.append(f"{doc.where(loc)}: {msg}{shown}")
        return None


def source_keys(source: str) -> list[str]:
    """Keys named by a source field: "KEY: note", "KEY1, KEY2: note", or several such parts joined by ';'.

    Returns [] when any part does not start with a key, so the caller can report the field."""
    keys: list[str] = []
    for part in source.split(";"):
        m = _SOURCE_KEYS.match(part)
        if not m:
            return []
        keys += [k.strip() for k in m.group(1).split(",")]
    return keys


def _walk_sources(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, dict):
        for k, v in data.items():
            if k in ("source", "weeks_source") and isinstance(v, str):
                yield path + (k,), v
            else:
                yield from _walk_sources(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk_sources(v, path + (i,))


def _check_sources(doc: _Doc, known: dict[str, str], problems: list[str]) -> None:
    for path, src in _walk_sources(doc.data):
        keys = source_keys(src)
        if not keys:
            problems.append(
                f"{doc.where(path)}: '{src}' does not start with a source key; write e.g. 'article: Cat' or "
                f"'{TEAM_DEFAULT}: why'"
            )
        for k in keys:
            if k != TEAM_DEFAULT and k not in known:
                problems.append(f"{doc.where(path)}: unknown source key '{k}'; add it to sources.yaml")




def protocols_folder() -> Path:
    """The protocols folder in use: PHYSIO_PROTOCOLS (e.g. a clinic's own copy), else the shipped one."""
    return Path(os.environ.get("PHYSIO_PROTOCOLS") or DEFAULT_PROTOCOLS_DIR)


def load_sources(folder: Path) -> dict[str, str]:
    """sources.yaml of a protocols folder: source key → citation."""
    doc = _read(folder / "sources.yaml")
    sources = (doc.data or {}).get("sources") if isinstance(doc.data, dict) else None
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        raise ProtocolError(f"{doc.where(('sources',))}: expected a mapping of source key → citation")
    return {str(k): v for k, v in sources.items()}


@functools.lru_cache(maxsize=4)
def _sources_of(folder: str) -> dict[str, str]:
    return load_sources(Path(folder))


def default_sources() -> dict[str, str]:
    """The citations of the protocols folder in use, read once per process (the red-flag lexicon and the weekly
    check name their sources with these keys)."""
    return dict(_sources_of(str(protocols_folder())))
