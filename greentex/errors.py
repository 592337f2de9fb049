"""Errors and data issues: every message names where to look and what to do."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

MAX_QUOTED = 80  # characters of a cell's text quoted in a message
MAX_MESSAGE = 600  # characters of a whole one-line message


def clip(text, limit: int = MAX_QUOTED) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis (a 32,767-character
    cell is not quoted whole)."""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[:limit - 1] + "…"


def clip_quotes(text: str) -> str:
    """A message with every quoted part cut to MAX_QUOTED characters, the whole to MAX_MESSAGE. A
    quoted part opens after a space, a bracket or the start (the text between the quotes of
    '12,3' is ... and '.' is not one)."""
    text = re.sub(r"(?:^|(?<=[\s(]))'([^']{%d,})'" % (MAX_QUOTED + 1), lambda m: f"'{clip(m.group(1))}'", str(text))
    return clip(text, MAX_MESSAGE)


@lru_cache(maxsize=1)
def _chinese_texts() -> list[tuple[re.Pattern, str]]:
    """(English pattern, Chinese template) of greentex/error_texts.csv, in its order."""
    import csv
    from importlib import resources

    lines = resources.files("greentex").joinpath("error_texts.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    return [(re.compile(r["english"]), r["chinese"]) for r in rows]


def _fill(template: str, groups: dict) -> str:
    """``template`` with {name} and {name:filter} filled from a match's groups."""
    from greentex.display import Words

    w = Words("zh")
    filters = {"item": w.name, "items": lambda v: "、".join(w.name(i) for i in re.split(r", | or ", v)),
               "domain": lambda v: w.t.get(v, v), "sheet": lambda v: w.t.get(v.lower(), v), "key": w.key,
               "maybe": lambda v: f"是否指 {'、'.join(w.name(i) for i in v.split(', '))}？",
               "more": lambda v: f"（另有 {v} 处）"}

    def one(m: re.Match) -> str:
        value = groups.get(m.group(1))
        if m.group(2):
            return filters[m.group(2)](value) if value else ""
        return "" if value is None else value
    return re.sub(r"\{(\w+)(?::(\w+))?\}", one, template)


def chinese(text: str) -> str:
    """An English message or hint in Chinese, by the first row of error_texts.csv that matches
    it whole; the text itself when none does."""
    for pattern, template in _chinese_texts():
        m = pattern.fullmatch(text)
        if m:
            return _fill(template, m.groupdict())
    return text


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

    def text(self, lang: str = "en") -> str:
        """The one line in ``lang``: in Chinese the place, and the message and hint where
        error_texts.csv has them (else as in English)."""
        if lang != "zh":
            return str(self)
        place = "".join(([f"工作表「{self.sheet}」"] if self.sheet else []) + ([f"单元格 {self.cell}"] if self.cell else []))
        where = [str(x) for x in (self.file, place) if x]
        text = "：".join(where + [chinese(self.message)])
        if self.hint:
            text += f"（{chinese(self.hint)}）"
        return clip_quotes(text)

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
