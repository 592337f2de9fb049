"""Citations a reader can follow: every bundled CSV row names a document, never a search-index
number or a file outside the project; transcription-only values are not called primary."""

import csv
import re

import pytest

from greentex.factors import bundled_dir

#: What a citation must never contain: research-trail ids of a search index, and paths to files
#: that ship with no copy of greentex (the project's private notes, a local disk).
FORBIDDEN = re.compile(
    r"code-index|file id\s*\d|\bids?\s+\d{6,}|(?<![\w:/.=-])\d{9,}(?![\w/.=])|shared/|design\.md|"
    r"cn-standards|intl-anchors|factor-audit|reference/\w+\.md|/work/|/tmp/|[A-Z]:\\",
    re.IGNORECASE)
CITING = ("source", "reference", "note")


def _rows():
    for path in sorted(bundled_dir().iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".csv"):
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=2):
                yield path.name, i, row


ROWS = list(_rows())


@pytest.mark.parametrize("text, bad", [
    ("code-index file id 18672665361", True),
    ("GitHub file id 12345", True),
    ("see shared/reference/cn-standards.md §3", True),
    ("shared/design.md, input workbook contract", True),
    ("research ids 53155299529 and 25403317639", True),
    ("/work/main/factors/x.csv", True),
    ("IPCC 2006 Vol.2 Ch.1 Table 1.2; https://www.ipcc-nggip.iges.or.jp/public/2006gl/pdf/2_Volume2/V2_1_Ch1_Introduction.pdf", False),
    ("https://www.163.com/dy/article/KIQVBKCG05567I2C.html", False),
    ("MEE and NBS, 公告2024年第12号, 2024-04-12", False),
    ("Lemmon, Int. J. Thermophys. 24(4) (2003), doi:10.1023/A:1025048800563", False),
    ("as seen in 18672665361", True),
])
def test_the_rule_tells_a_followable_citation_from_an_unfollowable_one(text, bad):
    assert bool(FORBIDDEN.search(text)) is bad


def test_no_citation_points_at_an_index_number_or_outside_the_project():
    bad = [f"{name} row {i} {col}: {row[col][:80]}" for name, i, row in ROWS
           for col in CITING if FORBIDDEN.search(row.get(col) or "")]
    assert not bad, "\n".join(bad)


def test_every_value_row_names_a_document_and_a_reference():
    for name, i, row in ROWS:
        if "value" not in row or "status" not in row:
            continue
        assert len(row["source"].strip()) >= 15, f"{name} row {i}: source too thin to follow"
        assert row["reference"].strip(), f"{name} row {i}: no reference"


def test_values_read_only_in_a_transcription_are_secondary_and_say_so():
    for name, i, row in ROWS:
        note = (row.get("note") or "").lower()
        if "status" in row and ("transcription" in note or "read in a" in note or "read only in" in note
                                or "read in public" in note or "read in press" in note):
            assert row["status"] == "secondary", f"{name} row {i}: read second-hand but {row['status']}"
        if row.get("status") == "secondary":
            assert note.startswith("read ") or "read in" in note or "read only" in note or "as reported" in \
                (row.get("source") or "").lower(), f"{name} row {i}: secondary without saying where it was read"
