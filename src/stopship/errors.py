"""The one exception root of stopship and its few meaningful subclasses.

Every error a user can cause carries where it happened (file, line, field) so the
CLI, the API and the reports can say exactly what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Location:
    """Where a problem was found: any of file, line (1-based) and field may be unknown."""

    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)


class StopshipError(Exception):
    """Root of every error stopship raises on purpose."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location or Location()
        where = str(self.location)
        super().__init__(f"{where}: {message}" if where else message)


class ConfigError(StopshipError):
    """A configuration, mapping or rule file is missing or wrong."""


class InputError(StopshipError):
    """Input data (a list file, a customer file, an order) cannot be read or is invalid."""


@dataclass
class Problem:
    """One validation problem; ValidationError carries many at once."""

    message: str
    location: Location = field(default_factory=Location)

    def as_dict(self) -> dict[str, object]:
        return {
            "message": self.message,
            "file": self.location.file,
            "line": self.location.line,
            "field": self.location.field,
        }


class ValidationError(InputError):
    """Several problems found in one input, reported all at once."""

    def __init__(self, problems: list[Problem], subject: str = "input") -> None:
        self.problems = problems
        first = problems[0] if problems else Problem("invalid")
        summary = f"{len(problems)} problem(s) in {subject}; first: {first.message}"
        super().__init__(summary, first.location)


class StoreError(StopshipError):
    """The list store cannot do what was asked (unknown list or version, failed load)."""


class NotFoundError(StopshipError):
    """A named thing (list, version, entity, case, rule) does not exist."""


class FetchError(StopshipError):
    """A live official feed could not be fetched or failed its checksum."""


class PermissionDenied(StopshipError):
    """The caller's role or scope does not allow the action."""
