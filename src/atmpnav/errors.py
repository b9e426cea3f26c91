"""One root exception; typed subclasses carry structured fields.

Each class names its CLI exit code and HTTP status once, here; the CLI and the web app map
errors through these attributes and nowhere else.
"""

from __future__ import annotations

from typing import Any


class AtmpnavError(Exception):
    exit_code = 1
    http_status = 500
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def details(self) -> dict[str, Any]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details()}


class InputError(AtmpnavError):
    """Something the user gave us is wrong; they can fix it."""

    exit_code = 2
    http_status = 422
    code = "invalid_input"


class InputFileError(InputError):
    code = "invalid_file"

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem

    def details(self) -> dict[str, Any]:
        return {"source": self.source, "problem": self.problem}


class FactsError(InputError):
    """ProductFacts failed validation; ``problems`` name each field path."""

    code = "invalid_facts"

    def __init__(self, source: str, problems: list[str]) -> None:
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: invalid product facts\n{listing}")
        self.source = source
        self.problems = problems

    def details(self) -> dict[str, Any]:
        return {"source": self.source, "problems": self.problems}


class UnknownNameError(InputError):
    """A name (rule id, product, jurisdiction, assessment) that does not exist."""

    exit_code = 2
    http_status = 404
    code = "not_found"

    def __init__(self, kind: str, name: str, known: list[str] | None = None) -> None:
        hint = ""
        if known:
            shown = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
            hint = f" (known: {shown})"
        super().__init__(f"unknown {kind} {name!r}{hint}")
        self.kind = kind
        self.name = name

    def details(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name}


class DataFormatError(InputError):
    """An input data set (spreadsheet, CSV) is not in the expected format; nothing was changed."""

    code = "invalid_data"

    def __init__(self, source: str, problem: str, row: int | None = None) -> None:
        where = f" (row {row})" if row is not None else ""
        super().__init__(f"{source}{where}: {problem}")
        self.source = source
        self.problem = problem
        self.row = row

    def details(self) -> dict[str, Any]:
        return {"source": self.source, "problem": self.problem, "row": self.row}


class ConflictError(AtmpnavError):
    """The request clashes with what is stored (e.g. editing an old version)."""

    exit_code = 3
    http_status = 409
    code = "conflict"


class StorageError(AtmpnavError):
    exit_code = 4
    http_status = 503
    code = "storage_error"
