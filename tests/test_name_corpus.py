"""The header corpus (tests/data/name_corpus.csv): spellings that the national energy statistics
form, the GB/T water and energy standards, the dyeing norms, cleaner-production texts and Higg FEM
use, each with the item it means and where the wording is used. Every line must resolve; the
near misses (tests/data/name_near_misses.csv) must be refused with a "did you mean"."""

import csv
from pathlib import Path

import pytest

from greentex.errors import GreentexError
from greentex.factors import load_library
from greentex.names import Names

DATA = Path(__file__).parent / "data"


def _rows(name):
    with open(DATA / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


CORPUS = _rows("name_corpus.csv")
NEAR = _rows("name_near_misses.csv")


def test_corpus_size_and_citations():
    labels = [r["label"] for r in CORPUS]
    assert len(set(labels)) == len(labels) >= 200
    assert sum(any("\u4e00" <= c <= "\u9fff" for c in lb) for lb in labels) >= 100  # Chinese
    assert sum(lb.isascii() for lb in labels) >= 50  # English
    assert all(r["citation"].strip() for r in CORPUS)
    items = set(load_library().item_table.index)
    assert {r["item"] for r in CORPUS} <= items


def test_every_corpus_line_resolves():
    names = Names(load_library())
    wrong = []
    for r in CORPUS:
        try:
            got = names.resolve(r["label"], r["domain"])
        except GreentexError as exc:
            got = f"error: {exc}"
        if got != r["item"]:
            wrong.append(f"{r['label']}: {got} (expected {r['item']})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("row", NEAR, ids=[r["label"] for r in NEAR])
def test_near_misses_say_did_you_mean(row):
    with pytest.raises(GreentexError) as e:
        Names(load_library()).resolve(row["label"], row["domain"])
    hint = e.value.hint or ""
    assert hint.startswith("did you mean") and row["did_you_mean"] in hint.split("?")[0], hint
    assert "名称对照" in e.value.hint
