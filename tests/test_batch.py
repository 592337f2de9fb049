"""Many mills in one run."""

import json
import shutil

import pandas as pd
import openpyxl
import pytest
from click.testing import CliRunner

from greentex.assessment import assess
from greentex.batch import assess_many
from greentex.cli import cli
from greentex.io.workbook import read_workbook

from conftest import SAMPLES

MILLS = ["jiangsu_woven_dyeing_2024.xlsx", "knit_dyeing_2024.xlsx", "multi_product_2024.xlsx"]


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "mills"
    d.mkdir()
    for name in MILLS:
        shutil.copy(SAMPLES / name, d / name)
    (d / "broken.xlsx").write_text("period,item\n", encoding="utf-8")
    (d / "~$jiangsu_woven_dyeing_2024.xlsx").write_bytes(b"lock")  # an Office lock file: skipped
    return d


def test_each_mill_equals_its_own_report_and_broken_files_are_listed(folder):
    p = assess_many([folder], jobs=1)
    assert p.assessed == 3
    assert [e["path"].rsplit("/", 1)[-1] for e in p.errors] == ["broken.xlsx"]
    assert "this is a text file" in p.errors[0]["message"]
    for name in MILLS:
        alone = assess(read_workbook(folder / name)).metrics
        mine = p.metrics[p.metrics["path"] == str(folder / name)].drop(columns=["site", "path"])
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), alone.reset_index(drop=True))
    site = p.metrics.loc[p.metrics["path"] == str(folder / MILLS[0]), "site"].iloc[0]
    assert site == "苏州某印染有限公司"


def test_one_job_and_several_give_the_same_output(folder):
    one, two = assess_many([folder], jobs=1), assess_many([folder], jobs=2)
    pd.testing.assert_frame_equal(one.metrics, two.metrics)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    assert one.errors == two.errors


def test_a_row_per_mill_and_year(tmp_path):
    p = assess_many([SAMPLES / "baseline_mill_2023_2024.xlsx"], jobs=1) \
        if (SAMPLES / "baseline_mill_2023_2024.xlsx").exists() else None
    if p is None:
        pytest.skip("no two-year sample")
    assert p.summary["year"].tolist() == [2023, 2024]
    assert p.summary["months"].tolist() == [12, 12]


def test_dask_local_scheduler_gives_the_same_result(folder):
    pytest.importorskip("dask.bag")
    local = assess_many([folder], jobs=1)
    dask = assess_many([folder], engine="dask", scheduler="synchronous")
    pd.testing.assert_frame_equal(local.metrics, dask.metrics)
    assert local.errors == dask.errors


def test_batch_command(folder, tmp_path):
    out, js, reports = tmp_path / "portfolio.xlsx", tmp_path / "p.json", tmp_path / "reports"
    result = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "--json", str(js),
                                      "--reports", str(reports), "--jobs", "2"])
    assert result.exit_code == 2  # one file failed, after the rest were assessed
    assert "3 workbooks assessed, 1 failed" in result.output
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert {"site", "path"} <= set(doc["metrics"][0]) and {"site", "path"} <= set(doc["benchmarks"][0])
    assert doc["errors"][0]["path"].endswith("broken.xlsx")
    assert sorted(f.name for f in reports.iterdir()) == sorted(n.replace(".xlsx", "_report.xlsx") for n in MILLS)
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["Summary", "Mills", "Metrics", "Benchmarks", "Failed files", "About"]
    assert len(sheets["Mills"]) == 3 and len(sheets["Failed files"]) == 1


def test_all_good_exits_0(tmp_path):
    result = CliRunner().invoke(cli, ["batch", str(SAMPLES / MILLS[1]), "-o", str(tmp_path / "p.xlsx"),
                                      "--jobs", "1"])
    assert result.exit_code == 0 and result.output.startswith("1 workbooks assessed, 0 failed")


def test_outputs_never_replace_a_mill_and_are_not_mills_next_time(folder):
    """-o naming a mill workbook is refused before any work, the mill untouched; a portfolio and
    reports written inside the folder are not taken for mills on the next run."""
    mill = folder / MILLS[1]
    before = mill.read_bytes()
    refused = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(mill), "--jobs", "1"])
    assert refused.exit_code == 2 and "would overwrite the input workbook" in refused.output
    assert mill.read_bytes() == before
    args = ["batch", str(folder), "-o", str(folder / "portfolio.xlsx"), "--reports", str(folder / "reports"),
            "--jobs", "1"]
    first, second = CliRunner().invoke(cli, args), CliRunner().invoke(cli, args)
    assert "3 workbooks assessed, 1 failed" in first.output
    assert "3 workbooks assessed, 1 failed" in second.output


def test_two_outputs_on_one_path_and_an_output_over_the_scenarios_file_are_refused(tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("scenario,change,item,value\nA,efficiency,steam,0.05\n", encoding="utf-8")
    mill = SAMPLES / MILLS[1]
    same = CliRunner().invoke(cli, ["report", str(mill), "-o", str(tmp_path / "r.xlsx"), "--json", str(tmp_path / "r.xlsx")])
    assert same.exit_code == 2 and "two outputs would be the same file" in same.output
    over = CliRunner().invoke(cli, ["scenario", str(mill), "--scenarios", str(plan), "--json", str(plan)])
    assert over.exit_code == 2 and "would overwrite the input scenarios file" in over.output
    assert plan.read_text(encoding="utf-8").startswith("scenario,change")
    assert not (tmp_path / "r.xlsx").exists()


def test_a_limit_in_other_units_is_converted_for_the_ranking(tmp_path):
    """A user set gives woven fabric's energy limit as 0.026 tce/hm: the ranking of mills in
    kgce/hm draws it at 0.026 x 1000 = 26."""
    from greentex.assessment import Options
    from greentex.io.portfolio import write_portfolio

    targets = tmp_path / "tce_targets.csv"
    targets.write_text("metric,item,applicability,condition,level,rank,comparison,value,unit,source,reference,status,note\n"
                       "energy_intensity,woven_fabric,all,,limit,1,at_most,0.026,tce/hm,board minutes,2024-12,user,\n",
                       encoding="utf-8")
    p = assess_many([SAMPLES / MILLS[0]], jobs=1, options=Options(benchmarks=(str(targets),)))
    write_portfolio(p, tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx")["Summary"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "mill" and "limit (tce_targets)" in r)
    assert rows[head + 1][list(rows[head]).index("limit (tce_targets)")] == pytest.approx(26.0)


def test_portfolio_in_chinese(tmp_path):
    """batch --lang zh: the portfolio's sheets, headings, Mills headers, benchmark words and About
    in Chinese (the Metrics sheet keeps the contract's ids); a later run knows it for a portfolio."""
    import re

    from greentex.batch import is_portfolio

    folder = tmp_path / "mills"
    folder.mkdir()
    for name in MILLS[:2]:     # the knit mill fails the water reuse rate: its failing lines in words
        shutil.copy(SAMPLES / name, folder / name)
    out = tmp_path / "汇总.xlsx"
    r = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "--jobs", "1", "--lang", "zh"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "各企业", "指标", "对标", "失败的文件", "说明"]
    summary = [c.value for row in wb["汇总"].iter_rows() for c in row if isinstance(c.value, str)]
    assert summary[0] == "企业汇总：已评估 2 个工作簿，失败 0 个"
    assert "单位产品综合能耗：棉、麻、化纤及混纺机织物" in summary and "限值（印染行业规范条件（2017版））" in summary
    heads = [c.value for c in wb["各企业"][1]]
    assert heads[:3] == ["企业", "文件", "年度"] and "单位产品综合能耗：棉、麻、化纤及混纺机织物 [kgce/百米]" in heads
    failing = [c.value for c in wb["各企业"][3]][heads.index("未达标项")]
    assert failing.startswith("水重复利用率 合计（印染行业规范条件（2017版））"), failing
    bench = [c.value for c in wb["对标"][2]]
    assert "印染行业规范条件（2017版）" in bench and "达标" in bench
    for ws in (wb["汇总"], wb["各企业"], wb["说明"]):
        words = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert not [v for v in words if re.search(r"\b[a-z]+_[a-z_]+\b", v) and "/" not in v], ws.title
    assert is_portfolio(out)
    # the Metrics sheet is for scripts, hidden as in each report; the sheets people read are shown
    assert {ws.title: ws.sheet_state for ws in wb.worksheets} == {
        "汇总": "visible", "各企业": "visible", "指标": "hidden", "对标": "visible", "失败的文件": "visible",
        "说明": "visible"}
    # printing: the wide Mills sheet across pages at 75 % (8.25 pt) with its first column on each,
    # rather than squeezed onto one page width; the Summary's charts on pages of their own
    mills = wb["各企业"]
    assert mills.page_setup.scale == 75 and mills.print_title_cols.replace("$", "") == "A:A"
    s = wb["汇总"]
    starts = sorted({c.anchor._from.row for c in s._charts})
    breaks = [b.id for b in s.row_breaks.brk]
    assert breaks and not [b for r in starts for b in breaks if r + 1 <= b < r + 15]


def _hostile_worker(monkeypatch):
    """Workers that abort (crash.xlsx), hang (hang.xlsx) or ask for 20 GB (greedy.xlsx) inside
    the worker process, as a reading library might on a hostile file; the others work."""
    import os
    import time

    import greentex.batch as batch

    real = batch.assess_file

    def assess_file(path, *args):
        name = os.path.basename(path)
        if name == "crash.xlsx":
            __import__("faulthandler").disable()  # pytest's dump of the abort is noise here
            os.abort()
        if name == "hang.xlsx":
            time.sleep(600)
        if name == "greedy.xlsx":
            return len(bytearray(20 * 2**30))
        return real(path, *args)

    monkeypatch.setattr(batch, "assess_file", assess_file)


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="the hook reaches forked workers")
def test_a_crash_a_hang_and_a_memory_blow_up_fail_their_files_only(folder, tmp_path, monkeypatch):
    _hostile_worker(monkeypatch)
    for name in ("crash.xlsx", "hang.xlsx", "greedy.xlsx"):
        shutil.copy(SAMPLES / MILLS[1], folder / name)
    out, reports = tmp_path / "portfolio.xlsx", tmp_path / "reports"
    result = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(out), "--reports", str(reports),
                                      "--jobs", "2", "--timeout", "3", "--max-memory", "2048"])
    assert result.exit_code == 2, result.output
    assert "3 workbooks assessed, 4 failed" in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("failed: ")]
    failed = {name: line for line in lines for name in ("broken.xlsx", "crash.xlsx", "hang.xlsx", "greedy.xlsx")
              if name + ":" in line}
    assert set(failed) == {"broken.xlsx", "crash.xlsx", "hang.xlsx", "greedy.xlsx"}
    assert "crashed (SIGABRT" in failed["crash.xlsx"]
    assert "stopped after 3 s (--timeout)" in failed["hang.xlsx"]
    assert "not enough memory" in failed["greedy.xlsx"]
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    assert len(sheets["Mills"]) == 3 and len(sheets["Failed files"]) == 4
    assert sorted(f.name for f in reports.iterdir()) == sorted(n.replace(".xlsx", "_report.xlsx") for n in MILLS)


def test_two_mills_of_one_name_get_two_reports(tmp_path):
    """a/mill.xlsx and b/mill.xlsx: the input folders are mirrored under --reports; mill.xls
    beside mill.xlsx gets its suffix in the name."""
    for sub in ("a", "b"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        shutil.copy(SAMPLES / MILLS[1], tmp_path / "in" / sub / "mill.xlsx")
    shutil.copy(SAMPLES.parent / "tests" / "data" / "knit_dyeing_2024.xls", tmp_path / "in" / "a" / "mill.xls")
    reports = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "p.xlsx"),
                                      "--reports", str(reports), "--jobs", "2"])
    assert result.exit_code == 0 and "3 workbooks assessed, 0 failed" in result.output
    assert sorted(str(f.relative_to(reports)) for f in reports.rglob("*.xlsx")) == \
        ["a/mill_report.xlsx", "a/mill_xlsx_report.xlsx", "b/mill_report.xlsx"]
    assert "mirror the input folders" in result.output


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="the hook reaches forked workers")
def test_ctrl_c_ends_the_workers_and_leaves_no_half_written_report(tmp_path, monkeypatch):
    """Interrupted while a worker was writing its report: the worker was killed and its temporary
    file stayed in the reports folder."""
    import os
    import time

    import greentex.batch as batch
    from greentex.io.atomic import TMP_PREFIX, atomic_path

    def assess_file(path, options, factors, report_path, lang):
        if os.path.basename(path) == "slow.xlsx":
            with atomic_path(report_path):
                time.sleep(600)
        return batch.MillResult(path=path, error="done")

    monkeypatch.setattr(batch, "assess_file", assess_file)
    for name in ("fast.xlsx", "slow.xlsx"):
        shutil.copy(SAMPLES / MILLS[1], tmp_path / name)
    reports = tmp_path / "reports"

    def progress(done, total):
        for _ in range(100):  # until the slow worker is writing
            if any(f.name.startswith(TMP_PREFIX) for f in reports.iterdir()):
                break
            time.sleep(0.1)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.assess_many([tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"], jobs=2, report_dir=reports,
                          progress=progress)
    assert list(reports.iterdir()) == []
