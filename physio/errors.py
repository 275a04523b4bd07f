"""One tree of exceptions, so a notebook or the CLI can catch `PhysioError` and show its message.

Every message says what was wrong, where (file, row, field) and what is allowed: the people reading
them are therapists, not programmers.
"""

from __future__ import annotations


class PhysioError(Exception):
    """Base of every error the toolkit raises on purpose."""


class ProtocolError(PhysioError):
    """A protocol or exercise file is unreadable, malformed, or breaks a safety invariant.

    `problems` holds one line per problem ("file:line field: what is wrong"), so a file with
    several mistakes is reported in one go.
    """

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class PlanError(PhysioError):
    """A plan cannot be made as asked."""


class LimitExceeded(PlanError):
    """A dose value lies outside the hard limit, or outside the usual range without a reason."""


class Contraindicated(PlanError):
    """Screening refused the protocol for this patient; `reasons` lists every reason."""

    def __init__(self, message: str, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__(message)


class UnknownId(PhysioError, KeyError):
    """An id (patient, protocol, phase, exercise, plan) that does not exist."""

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0]) if self.args else ""


class WorkspaceError(PhysioError):
    """The workspace folder or its database cannot be used as asked."""


class ExportError(PhysioError):
    """A handout or workbook cannot be written."""


class LogImportError(PhysioError):
    """A returned log cannot be read at all (as opposed to single rows, which are rejected)."""


class OpenRedFlag(WorkspaceError):
    """A patient has a red flag no therapist has acknowledged yet: no new plan version may be issued."""
