"""Words in English and Chinese, from ``labels.csv`` (columns key, en, zh): the report's words and
the data-issue messages (keys ``msg_*``, str.format templates). A translation is a change of
data, not of code."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

LANGUAGES = ("en", "zh")


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """{language: {key: text}}, read once."""
    with (resources.files("greentex") / "labels.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {lang: {r["key"]: r[lang] for r in rows} for lang in LANGUAGES}


def message(key: str, lang: str = "en", **params) -> str:
    """The ``msg_<key>`` template of ``lang`` filled with ``params``."""
    return labels()[lang][f"msg_{key}"].format(**params)
