"""Patient YAML files (one patient per file), read with a plain message for every mistake."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import WorkspaceError
from ..models import Patient
from .._yaml import AliasBombError, load_checked


class _PatientLoader(yaml.SafeLoader):
    """YAML without the old 1.1 booleans: a clearance's `on: 2026-08-01` key must stay the word "on"."""


_PatientLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PatientLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_patient(path: str | Path) -> Patient:
    """Read one patient YAML file; a mistake is reported with file, field, value given and what is allowed."""
    path = Path(path)
    data = read_patient_fields(path)
    try:
        return Patient.model_validate(data)
    except ValidationError as e:
        raise WorkspaceError("\n".join(_problems(path, e))) from None


def read_patient_fields(path: str | Path) -> dict:
    """The fields of one patient YAML file, not yet checked; a file that is not YAML is refused plainly."""
    path = Path(path)
    try:
        data = load_checked(path.read_text(encoding="utf-8"), _PatientLoader)
    except AliasBombError as e:
        raise WorkspaceError(f"{path.name}:{e}") from None
    except OSError as e:
        raise WorkspaceError(f"{path}: cannot be read ({e.strerror})") from e
    except UnicodeDecodeError as e:
        raise WorkspaceError(f"{path.name}: not UTF-8 text; save it as UTF-8") from e
    except yaml.reader.ReaderError as e:
        raise WorkspaceError(f"{path.name}: has a character YAML does not allow (code {e.character!r}); delete it "
                             "and save the file again") from None
    except (ValueError, TypeError, AttributeError, RecursionError) as e:
        raise WorkspaceError(f"{path.name}: a value cannot be read ({e}); write dates as YYYY-MM-DD") from None
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else "?"
        raise WorkspaceError(f"{path.name}:{line} is not valid YAML: {e.problem}") from e
    if not isinstance(data, dict):
        raise WorkspaceError(f"{path.name}: expected the fields of one patient (id, name, birth_year, therapist...)")
    return data


def _problems(path: Path, e: ValidationError) -> list[str]:
    problems = []
    for err in e.errors():
        field = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            problems.append(f"{path.name} {field}: missing; it is required")
            continue
        if err["type"] == "extra_forbidden":
            msg = "unknown field; check its spelling"
        given = err.get("input")
        shown = "" if isinstance(given, (dict, list)) else f" (given: {given!r})"
        problems.append(f"{path.name} {field}: {msg}{shown}")
    return problems


def read_patients(folder: str | Path) -> list[Patient]:
    """Every *.yaml in a folder, by file name; every bad file is reported together."""
    folder = Path(folder)
    if not folder.is_dir():
        raise WorkspaceError(f"{folder}: the patients folder does not exist")
    patients, problems = [], []
    for f in sorted(folder.glob("*.yaml")):
        try:
            patients.append(read_patient(f))
        except WorkspaceError as e:
            problems.append(str(e))
    if problems:
        raise WorkspaceError("\n".join(problems))
    return patients
