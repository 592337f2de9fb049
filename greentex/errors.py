"""Errors and data issues: every message names where to look and what to do."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUOTED = 80  # characters of a cell's text quoted in a message
MAX_MESSAGE = 600  # characters of a whole one-line message


def clip(text, limit: int = MAX_QUOTED) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis (a 32,767-character
    cell is not quoted whole)."""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[:limit - 1] + "…"


def clip_quotes(text: str) -> str:
    """A message with every quoted part cut to MAX_QUOTED characters, the whole to MAX_MESSAGE."""
    text = re.sub(r"'([^']{%d,})'" % (MAX_QUOTED + 1), lambda m: f"'{clip(m.group(1))}'", str(text))
    return clip(text, MAX_MESSAGE)


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
        return clip_quotes(text)


@dataclass(frozen=True)
class Issue:
    """A data issue found while reading or assessing: shown in the report and the JSON.

    Issues made with ``Issue.of`` keep their message's key and values, so the report can show it
    in its own language; ``message`` is always the English text.
    """

    severity: str  # "error" (row rejected or figure not computed), "warning", "note"
    sheet: str
    cell: str
    message: str
    key: str = field(default="", compare=False, repr=False)
    params: tuple = field(default=(), compare=False, repr=False)

    @classmethod
    def of(cls, severity: str, sheet: str, cell: str, key: str, **params) -> "Issue":
        """An issue worded by the ``msg_<key>`` template of greentex/labels.csv (a value that is
        itself an Issue stands for its message)."""
        from greentex.labels import message

        english = {k: v.message if isinstance(v, Issue) else v for k, v in params.items()}
        return cls(severity, sheet, cell, message(key, **english), key, tuple(params.items()))

    def text(self, lang: str = "en", names: dict | None = None) -> str:
        """The message in ``lang``; ``names`` (item id -> name) names the items and products."""
        if lang == "en" or not self.key:
            return self.message
        from greentex.labels import labels, message

        words = labels()[lang]
        site = {"name": "key_", "read": "val_"} if self.key == "site_value_read" else {}
        params = {k: v.text(lang, names) if isinstance(v, Issue) else
                  (names or {}).get(v, v) if k in ("item", "product") else
                  words.get(f"{site[k]}{v}", v) if k in site else
                  words.get(v, v) if k == "domain" else v for k, v in self.params}
        return message(self.key, lang, **params)

    def as_dict(self) -> dict:
        """severity, sheet, cell, message (the JSON's issue)."""
        return {"severity": self.severity, "sheet": self.sheet, "cell": self.cell, "message": self.message}
