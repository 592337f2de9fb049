"""The fuzz harness (tests/fuzz.py): a fast subset of its seeded cases, and every finding it made,
kept under tests/data/fuzz/ (one folder per finding: the case's files, args.json, and expect.json
saying what the fixed program does with it)."""

import json
import shutil
from pathlib import Path

import pytest

from fuzz import REGRESSIONS, make_case, run_case

FAST_CASES = 16


@pytest.mark.parametrize("n", range(FAST_CASES))
def test_fuzz_case(tmp_path, n):
    args, kinds = make_case("0", n, tmp_path)
    found, outcome, seconds = run_case(tmp_path, args, limit=60)
    assert found == [], f"case {n} ({', '.join(kinds)}): {found}"


@pytest.mark.parametrize("case", sorted(p.name for p in REGRESSIONS.iterdir() if p.is_dir()))
def test_fuzz_finding_stays_fixed(tmp_path, case):
    src = REGRESSIONS / case
    folder = tmp_path / case
    shutil.copytree(src, folder, ignore=shutil.ignore_patterns("expect.json"))
    args = json.loads((src / "args.json").read_text(encoding="utf-8"))
    expect = json.loads((src / "expect.json").read_text(encoding="utf-8"))
    found, outcome, seconds = run_case(folder, args, limit=60)
    assert found == []
    assert outcome["exit"] == expect["exit"], outcome
    assert expect.get("stderr", "") in outcome["stderr"]
    if "cpu" in expect and outcome["cpu"]:  # CPU seconds: wall time varies on a shared machine
        assert outcome["cpu"] < expect["cpu"], f"{outcome['cpu']:.1f} s of CPU"
