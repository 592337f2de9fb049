"""Errors and data issues: every message names where to look and what to do."""

from __future__ import annotations

from dataclasses import asdict, dataclass


class GreentexError(Exception):
    """A problem the user can fix: bad input, bad options, missing data.

    ``str(err)`` is one line: ``file: sheet 'S' cell C7: message (hint)``.
    """

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 cell: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.sheet = sheet
        self.cell = cell
        self.hint = hint

    def located(self, *, file: str | None = None, sheet: str | None = None,
                cell: str | None = None) -> "GreentexError":
        """Fill in the location where it is still unknown, and return self."""
        self.file = self.file or file
        self.sheet = self.sheet or sheet
        self.cell = self.cell or cell
        return self

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        place = []
        if self.sheet:
            place.append(f"sheet '{self.sheet}'")
        if self.cell:
            place.append(f"cell {self.cell}")
        if place:
            where.append(" ".join(place))
        text = ": ".join(where + [self.message]) if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text.replace("\n", " ")


@dataclass(frozen=True)
class Issue:
    """A data issue found while reading or assessing: shown in the report and the JSON."""

    severity: str  # "error" (row rejected or figure not computed), "warning", "note"
    sheet: str
    cell: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)
