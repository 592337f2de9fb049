"""The report workbook: sheets, the metrics round trip, text safety, atomic writing, charts."""

import copy
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from greentex.assessment import assess
from greentex.errors import GreentexError, Issue
from greentex.io import report
from greentex.display import Words
from greentex.io.report import write_report
from greentex.io.workbook import read_workbook

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NAMES = ["jiangsu_woven_dyeing_2024", "knit_dyeing_2024", "multi_product_2024"]
EN = ["Summary", "Metrics", "Energy", "GHG", "Water", "Chemicals", "Production", "Benchmarks", "Factors",
      "Data issues", "About"]
ZH = ["摘要", "指标", "能源", "温室气体", "水", "化学品", "产量", "对标", "因子", "数据问题", "关于"]


@pytest.fixture(scope="module")
def assessments():
    return {name: assess(read_workbook(SAMPLES / f"{name}.xlsx")) for name in NAMES}


@pytest.fixture
def jiangsu(assessments):
    """A copy that a test may change."""
    return copy.deepcopy(assessments["jiangsu_woven_dyeing_2024"])


def _cells(ws):
    return [c for row in ws.iter_rows() for c in row if c.value is not None]


def _book(a, tmp_path, lang="en"):
    """The report of ``a`` written and read back with openpyxl."""
    out = tmp_path / f"built_{lang}.xlsx"
    write_report(a, out, lang=lang)
    return openpyxl.load_workbook(out)


@pytest.mark.parametrize("lang, names", [("en", EN), ("zh", ZH)])
def test_sheet_names_in_order(assessments, tmp_path, lang, names):
    out = tmp_path / "r.xlsx"
    write_report(assessments["jiangsu_woven_dyeing_2024"], out, lang=lang)
    assert openpyxl.load_workbook(out).sheetnames == names


def test_chinese_report_has_chinese_headers(assessments, tmp_path):
    out = tmp_path / "r.xlsx"
    write_report(assessments["jiangsu_woven_dyeing_2024"], out, lang="zh")
    wb = openpyxl.load_workbook(out)
    energy = [c.value for c in wb["能源"][1]]
    assert "月份" in energy and "综合能耗 [tce]" in energy and "Month" not in energy
    assert "电力" in [c.value for c in wb["能源"]["B"]]          # item names in Chinese
    assert [c.value for c in wb["指标"][1]] == ["metric", "item", "period", "value", "unit"]


def test_chinese_summary_words_its_verdicts_levels_and_items(assessments, tmp_path):
    """The knit mill's water intensity is within the IFC PaCT 'typical' line: 参考：在典型水平以内;
    a limit line's level reads 限值, COD out 出水, the whole-mill reuse rate 合计."""
    out = tmp_path / "r.xlsx"
    write_report(assessments["knit_dyeing_2024"], out, lang="zh")
    values = {c.value for c in _cells(openpyxl.load_workbook(out)["摘要"])}
    assert {"参考：在典型水平以内", "限值", "出水", "合计"} <= values
    assert not {"参考：within typical", "limit", "out"} & values


def test_unknown_language_is_refused(jiangsu, tmp_path):
    with pytest.raises(GreentexError, match="language"):
        write_report(jiangsu, tmp_path / "r.xlsx", lang="fr")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_metrics_sheet_reads_back_as_the_metrics_table(assessments, tmp_path, name, lang):
    a = assessments[name]
    out = tmp_path / "r.xlsx"
    write_report(a, out, lang=lang)
    back = pd.read_excel(out, sheet_name="Metrics" if lang == "en" else "指标", engine="openpyxl")
    expected = a.metrics.reset_index(drop=True)
    assert list(back.columns) == ["metric", "item", "period", "value", "unit"]
    assert len(back) == len(expected)
    for col in ("metric", "item", "period", "unit"):
        assert back[col].astype(str).tolist() == expected[col].astype(str).tolist(), col
    assert (back["value"].isna() == expected["value"].isna()).all()
    pd.testing.assert_series_equal(back["value"].astype(float), expected["value"].astype(float),
                                   rtol=1e-9, check_names=False)


def test_metrics_nan_is_an_empty_cell(jiangsu, tmp_path):
    jiangsu.metrics.loc[3, "value"] = np.nan
    out = tmp_path / "r.xlsx"
    write_report(jiangsu, out)
    ws = openpyxl.load_workbook(out)["Metrics"]
    assert ws.cell(row=5, column=4).value is None
    assert np.isnan(pd.read_excel(out, sheet_name="Metrics", engine="openpyxl")["value"].iloc[3])


FORMULAS = ['=HYPERLINK("x")', "+1", "@SUM(A1)", "-2+3", "=1+1"]


def test_text_that_looks_like_a_formula_is_written_as_text(jiangsu, tmp_path):
    jiangsu.site.update(name=FORMULAS[0], province=FORMULAS[1], note=FORMULAS[2])
    jiangsu.factors.loc[0, "note"] = FORMULAS[3]
    jiangsu.issues.append(Issue("warning", "Energy", "B7", FORMULAS[4]))
    jiangsu.issues.append(Issue("note", "Energy", "B8", "bell\x07 and nul\x00 removed"))
    for lang in ("en", "zh"):
        out = tmp_path / f"r_{lang}.xlsx"
        write_report(jiangsu, out, lang=lang)
        with zipfile.ZipFile(out) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
        wb = openpyxl.load_workbook(out)
        cells = [c for ws in wb.worksheets for c in _cells(ws)]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        found = {c.value: c.data_type for c in cells if c.value in FORMULAS}
        assert found == {f: "s" for f in FORMULAS}
        assert "bell and nul removed" in [c.value for c in cells]
        title = wb.worksheets[0]["A1"].value
        assert FORMULAS[0] in title


def test_about_shows_version_sha256_options_and_row_counts(assessments, tmp_path):
    for name in NAMES:
        a = assessments[name]
        out = tmp_path / f"{name}.xlsx"
        write_report(a, out, version="9.9.9")
        ws = openpyxl.load_workbook(out)["About"]
        values = [c.value for c in _cells(ws)]
        assert a.inventory.source["sha256"] in values
        assert len(a.inventory.source["sha256"]) == 64
        assert "9.9.9" in values and a.inventory.source["name"] in values
        for key in a.options:
            assert Words("en").key(key) in values
        # the row-count table: find its header, then one row per input sheet
        head = next(c for c in _cells(ws) if c.value == "Rows read")
        r, col = head.row, head.column
        assert [ws.cell(r, col + k).value for k in (-2, -1, 0, 1, 2)] == [
            "Sheet", "read = used + rejected", "Rows read", "Rows used", "Rows rejected"]
        seen = {}
        for row in range(r + 1, r + 1 + len(a.inventory.counts)):
            sheet, check, read, used, rejected = (ws.cell(row, col + k).value for k in range(-2, 3))
            assert read == used + rejected and check == "ok"
            seen[sheet] = {"read": read, "used": used, "rejected": rejected}
        assert seen == a.inventory.counts


def test_about_flags_counts_that_do_not_add_up(jiangsu, tmp_path):
    sheet = next(iter(jiangsu.inventory.counts))
    jiangsu.inventory.counts[sheet] = {"read": 12, "used": 10, "rejected": 1}
    out = tmp_path / "r.xlsx"
    write_report(jiangsu, out)
    values = [c.value for c in _cells(openpyxl.load_workbook(out)["About"])]
    assert "MISMATCH" in values


def test_issues_and_rejected_rows_are_listed(jiangsu, tmp_path):
    out = tmp_path / "r.xlsx"
    write_report(jiangsu, out)
    ws = openpyxl.load_workbook(out)["Data issues"]
    assert ws["A1"].value.startswith("No issues") and ws.max_row == 1
    jiangsu.issues.append(Issue("warning", "Energy", "C5", "a month 3x its neighbours"))
    jiangsu.inventory.rejected = pd.DataFrame({"sheet": ["Water"], "cell": ["row 9"], "reason": ["no values"]})
    write_report(jiangsu, out)
    ws = openpyxl.load_workbook(out)["Data issues"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["Severity", "Sheet", "Cell", "Message"]
    assert ["warning", "Energy", "C5", "a month 3x its neighbours"] in rows
    assert ["rejected row", "Water", "row 9", "no values"] in rows


def test_detail_sheets_trace_each_line(assessments, tmp_path):
    a = assessments["jiangsu_woven_dyeing_2024"]
    out = tmp_path / "r.xlsx"
    write_report(a, out)
    wb = openpyxl.load_workbook(out)
    for sheet, kind, result in (("Energy", "energy", "Energy [tce]"), ("GHG", "ghg", "Emissions [tCO₂e]"),
                                ("Water", "water", None), ("Chemicals", "chemicals", None),
                                ("Production", "production", None)):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        n = len(a.details[kind])
        assert ws.cell(n + 1, 1).value is not None and ws.cell(n + 2, 1).value is None   # the lines, then a gap
        assert "Input cells" in header
        if result:
            j = header.index(result) + 1
            total = sum(ws.cell(r, j).value or 0 for r in range(2, n + 2))
            col = "energy_tce" if kind == "energy" else "tco2e"
            assert total == pytest.approx(a.details[kind][col].sum(), rel=1e-9)
            assert "Factor source" in header and "Factor status" in header
            factor = ws.cell(2, header.index("Factor") + 1)
            assert factor.number_format.count("0") >= 5     # at least 4 decimals
    energy = wb["Energy"]
    widths = [energy.column_dimensions[c].width for c in "ABCDEFGHIJKLMN"]
    assert all(4 <= w <= 44 for w in widths)


def test_factors_sheet_highlights_weak_and_overridden_factors(assessments, tmp_path):
    a = assessments["jiangsu_woven_dyeing_2024"]
    out = tmp_path / "r.xlsx"
    write_report(a, out)
    ws = openpyxl.load_workbook(out)["Factors"]
    assert ws["A1"].value.startswith("Status: primary")
    header = [c.value for c in ws[3]]
    assert header[:4] == ["Name", "Parameter", "Value", "Unit"]
    col = {h: i + 1 for i, h in enumerate(header)}
    rows = list(range(4, ws.max_row + 1))
    assert len(rows) == len(a.factors)
    for r, f in zip(rows, a.factors.itertuples()):
        fill = ws.cell(r, 1).fill.fgColor.rgb
        assert ws.cell(r, col["Overridden by user"]).value == ("yes" if f.overridden else "no")
        if f.overridden:
            assert fill.endswith(report.FILL_USER[1:])
        elif f.status != "primary":
            assert fill.endswith(report.FILL_WEAK[1:])
        else:
            assert ws.cell(r, 1).fill.fill_type is None
    assert any(a.factors["overridden"])      # the sample overrides its natural-gas NCV


def test_summary_has_key_figures_and_four_charts(assessments, tmp_path):
    a = assessments["multi_product_2024"]
    ws = _book(a, tmp_path)["Summary"]
    assert "Example Jiangsu" in ws["A1"].value and "whole year 2024" in ws["A1"].value
    figures = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(6, 40)}
    assert figures["Comprehensive energy consumption"] == pytest.approx(a.value("energy"))
    assert figures["GHG scope 2 (market-based)"] == pytest.approx(a.value("ghg", "scope2_market"))
    assert figures["Energy intensity: Knit fabric"] == pytest.approx(a.value("energy_intensity", "knit_fabric"))
    charts = ws._charts
    assert len(charts) == 4
    for chart in charts:
        assert chart.title is not None and chart.y_axis.title is not None and chart.x_axis.title is not None
    # 2 x 2, below the key figures and verdicts, no two charts in the same place
    places = [(c.anchor._from.col, c.anchor._from.colOff, c.anchor._from.row) for c in charts]
    assert len(set(places)) == 4
    rows = sorted({p[2] for p in places})
    assert len(rows) == 2 and rows[1] - rows[0] >= 15
    verdicts = next(r for r in range(1, 80) if str(ws.cell(r, 1).value).startswith("Benchmark verdicts"))
    assert rows[0] > verdicts + 1
    # the chart data the charts plot sits on the Summary sheet, below the charts
    ref = charts[0].series[0].val.numRef.f
    assert ref.startswith("Summary!") or ref.startswith("'Summary'!")
    first = int(ref.split("$")[2].split(":")[0])
    assert first > rows[1] + 15


def test_value_axes_start_at_zero_and_limits_are_named(assessments, tmp_path):
    """Intensity charts start at zero; the limit's legend is the benchmark's name, not its id."""
    ws = _book(assessments["jiangsu_woven_dyeing_2024"], tmp_path)["Summary"]
    energy = ws._charts[0]
    assert energy.y_axis.scaling.min == 0
    limit = energy.series[1].tx.strRef.f.replace("$", "").split("!")[1]
    assert ws[limit].value.startswith("Limit: Dyeing industry norms (2017)")


def test_energy_mix_chart_leaves_out_exports(jiangsu, tmp_path):
    m = jiangsu.metrics
    extra = pd.DataFrame({"metric": ["energy"], "item": ["electricity_export"], "period": ["total"],
                          "value": [-100.0], "unit": ["tce"]})
    jiangsu.metrics = pd.concat([m, extra], ignore_index=True)
    ws = _book(jiangsu, tmp_path)["Summary"]
    mix = next(c for c in ws._charts if c.title is not None and "mix" in str(c.title.tx.rich.p[0].r[0].t))
    ref = mix.series[0].val.numRef.f
    lo, hi = (int(x) for x in ref.replace("$", "").split("!")[1].replace("B", "").split(":"))
    plotted = [ws.cell(r, 2).value for r in range(lo, hi + 1)]
    assert all(v > 0 for v in plotted) and len(plotted) == 3
    assert ws.cell(hi + 1, 2).value == -100.0 and "exported" in ws.cell(hi + 1, 1).value


def test_benchmarks_sheet_lists_every_line_and_fails_stand_out(assessments, tmp_path):
    a = assessments["jiangsu_woven_dyeing_2024"]
    assert len(a.benchmarks)                              # the sample is checked against the 2017 norms
    out = tmp_path / "r.xlsx"
    write_report(a, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Benchmarks"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Benchmark", "Metric", "Item", "Period"] and "Verdict" in header
    n = len(a.benchmarks)
    assert ws.cell(n + 1, 1).value and ws.cell(n + 2, 1).value is None
    notes = [c.value for c in ws["A"][n + 1:] if c.value and str(c.value).startswith("[")]
    assert len(notes) == len(set(notes)) >= 1                     # each note once
    assert not {"Source", "Reference", "Note "} & set(header)
    verdict = header.index("Verdict") + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, verdict).value == "fail":
            assert ws.cell(r, 1).fill.fgColor.rgb.endswith(report.FILL_FAIL[1:])
    summary = [c.value for c in _cells(wb["Summary"])]
    assert "Benchmark verdicts (whole year 2024)" in summary
    totals = a.benchmarks[a.benchmarks["period"] == "total"]
    assert summary.count("Dyeing industry norms (2017)") == (totals["benchmark"] == "cn_dyeing_norms_2017").sum()
    assert "cn_dyeing_norms_2017" not in summary


def test_no_benchmarks_is_said_in_a_line(jiangsu, tmp_path):
    jiangsu.benchmarks = pd.DataFrame()
    out = tmp_path / "r.xlsx"
    write_report(jiangsu, out)
    wb = openpyxl.load_workbook(out)
    assert wb["Benchmarks"]["A1"].value == "No benchmark sets were applied."
    assert "No benchmark sets were applied." in [c.value for c in _cells(wb["Summary"])]
    assert len(wb["Summary"]._charts[0].series) == 1      # no limit line


def test_energy_intensity_chart_draws_the_limit_in_the_metric_unit(jiangsu, tmp_path):
    jiangsu.benchmarks = pd.DataFrame({
        "benchmark": ["norm"] * 2, "metric": ["energy_intensity"] * 2, "item": ["woven_fabric"] * 2,
        "period": ["total", "2024-02"], "value": [27.26, 30.6], "limit": [0.030, 0.031], "unit": ["tce/hm"] * 2,
        "level": ["limit"] * 2, "verdict": ["pass", "pass"], "margin": [2.7, 0.4],
        "source": ["=GB 1234", "=GB 1234"], "status": ["secondary"] * 2})
    wb = _book(jiangsu, tmp_path)
    ws = wb["Summary"]
    energy = ws._charts[0]
    assert len(energy.series) == 2                        # the product and its limit
    assert energy.series[1].spPr.ln.prstDash == "dash"
    ref = energy.series[1].val.numRef.f.replace("$", "").split("!")[1]
    values = [row[0].value for row in ws[ref]]
    assert values == pytest.approx([30.0, 31.0] + [30.0] * 10)   # tce/hm -> kgce/hm; a month's own limit
    ghg = ws._charts[1]
    assert len(ghg.series) == 1
    sheet = wb["Benchmarks"]
    assert [c.value for c in sheet["A"]][1:3] == ["norm", "norm"]
    notes = [c for c in sheet["A"] if isinstance(c.value, str) and c.value.startswith("[1]")]
    assert len(notes) == 1 and "=GB 1234" in notes[0].value and notes[0].data_type == "s"   # text, not a formula


def test_atomic_write_leaves_only_the_report(jiangsu, tmp_path):
    out = tmp_path / "r.xlsx"
    write_report(jiangsu, out)
    write_report(jiangsu, out, lang="zh")          # replaces the first one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]
    assert openpyxl.load_workbook(out).sheetnames == ZH


@pytest.mark.parametrize("failing", ["save", "replace"])
def test_failed_write_keeps_the_old_target_and_no_temp_file(jiangsu, tmp_path, monkeypatch, failing):
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"the previous report")
    if failing == "save":
        def close(self):
            Path(self.filename).write_bytes(b"half a workbook")
            raise OSError("disk full")
        monkeypatch.setattr(xlsxwriter.Workbook, "close", close)
    else:
        def replace(src, dst):
            raise OSError("cannot replace")
        monkeypatch.setattr(report.os, "replace", replace)
    with pytest.raises(OSError):
        write_report(jiangsu, out)
    assert out.read_bytes() == b"the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_report_never_overwrites_the_input_workbook(tmp_path):
    src = tmp_path / "in.xlsx"
    src.write_bytes((SAMPLES / "knit_dyeing_2024.xlsx").read_bytes())
    a = assess(read_workbook(src))
    before = src.read_bytes()
    with pytest.raises(GreentexError, match="input workbook"):
        write_report(a, src)
    assert src.read_bytes() == before


def test_missing_output_folder_is_a_clear_error(jiangsu, tmp_path):
    with pytest.raises(GreentexError, match="folder not found"):
        write_report(jiangsu, tmp_path / "nope" / "r.xlsx")


def test_display_units():
    assert report.display_unit("m**3/hm") == "m³/(100 m)"
    assert report.display_unit("percent") == "%"
    assert report.display_unit("hm") == "100 m"
    assert report.display_unit("kgce/(m**3)") == "kgce/m³"


def test_every_label_has_both_languages_with_the_same_fields():
    """A translation may reword, never drop or add a {field}: each key's en and zh fill alike."""
    import string

    from greentex.labels import labels

    words = labels()
    assert set(words["en"]) == set(words["zh"])
    for key, en in words["en"].items():
        zh = words["zh"][key]
        assert en.strip() and zh.strip(), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (en, zh)]
        assert fields[0] == fields[1], key


def test_data_issues_in_the_report_language(tmp_path):
    """Electricity 100, 100, 400, 100, 100 kWh in 2024-01..05 and tap water in 01, 02 and 04: the
    spike, the missing water months (03, and 05 of the workbook's 01..05) and the year to date are worded in Chinese in a Chinese
    report (the item by its Chinese name); the English report keeps the English messages."""
    from greentex.inventory import Inventory

    months = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    energy = pd.DataFrame({"period": months, "item": "electricity", "quantity": [100, 100, 400, 100, 100],
                           "unit": "kWh"})
    water = pd.DataFrame({"period": ["2024-01", "2024-02", "2024-04"], "item": "tap_water", "quantity": 50.0,
                          "unit": "m3"})
    a = assess(Inventory.from_frames(energy=energy, water=water, site={"year": 2024}))
    english = {i.message for i in a.issues}
    assert {"electricity in 2024-03 is 4 times the median of the months around it (400 against 100): "
            "check the value and its unit", "no water data for 2024-03, between 2024-01 and 2024-05",
            "no water data for 2024-05, between 2024-01 and 2024-05",
            "year to date: the data run from 2024-01 to 2024-05 (5 of the 12 months of 2024); the months still to "
            "come are not missing, and every 2024 figure is the year to date"} <= english
    out = tmp_path / "r.xlsx"
    write_report(a, out, lang="zh")
    shown = {c.value for c in _cells(openpyxl.load_workbook(out)["数据问题"])}
    assert {"电力 2024-03 的数值是前后月份中位数的 4 倍（400，中位数 100）：请核对数值及其单位",
            "2024-01 至 2024-05 之间缺少 2024-03 的水数据", "2024-01 至 2024-05 之间缺少 2024-05 的水数据",
            "本年累计：数据为 2024-01 至 2024-05（2024 年 12 个月中的 5 个月）；其后月份尚未到来，不算缺失，"
            "2024 年各项数据均为本年累计"} <= shown
    assert not english & shown
    write_report(a, out, lang="en")
    assert english <= {c.value for c in _cells(openpyxl.load_workbook(out)["Data issues"])}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_sheet_is_set_up_to_print_on_a4(assessments, tmp_path, lang):
    """Paper 9 (A4); detail sheets fitted to one page wide with their header row on every page;
    the body text (11 pt) prints at 8 pt or more: the columns' width (7 px a character + 5)
    times the scale fits the printable width of A4 (297 or 210 mm less 2 x 13 mm, at 96 px an
    inch), so the scale that fitting needs is at least 8 / 11 = 73 %; footers name the mill,
    the period, page x of y, the version, the time and the SHA-256 prefix; Metrics is hidden."""
    a = assessments["multi_product_2024"]
    wb = _book(a, tmp_path, lang)
    sha = a.inventory.source["sha256"][:12]
    for ws in wb.worksheets:
        if ws.title in ("Metrics", "指标"):
            assert ws.sheet_state == "hidden"
            continue
        ps = ws.page_setup
        assert ps.paperSize in (9, "9") and ps.orientation in ("landscape", "portrait")
        footer = ws.oddFooter
        assert "&P" in footer.center.text and "&N" in footer.center.text
        assert sha in footer.right.text and "greentex" in footer.right.text and "UTC" in footer.right.text
        assert "Example Jiangsu" in footer.left.text
        used = sum(int((ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width or 8.43) * 7 + 5)
                   for c in range(1, ws.max_column + 1))
        page = (297 if ps.orientation == "landscape" else 210) - 26
        scale = min(100, page / 25.4 * 96 * 100 / used)
        if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
            assert ps.fitToWidth in (1, None) and ps.fitToHeight == 0
            assert scale >= 73, (ws.title, scale)
            if ws.freeze_panes:                                   # a table sheet: its header repeats
                assert ws.print_title_rows is not None
        else:
            assert int(ps.scale or 100) >= 73, ws.title


def test_detail_totals_tie_to_the_summary(assessments, tmp_path):
    """The Energy sheet's grand total (tce) is the Summary's comprehensive energy consumption;
    the GHG sheet's scope totals are the Summary's scope figures."""
    a = assessments["jiangsu_woven_dyeing_2024"]
    wb = _book(a, tmp_path)
    cells = {c.value: c for c in _cells(wb["Energy"])}
    total = next(c for c in _cells(wb["Energy"]) if c.value == "Total" and c.row > len(a.details["energy"]) + 1)
    tce = wb["Energy"].cell(total.row, total.column + 3).value
    assert tce == pytest.approx(a.value("energy"), rel=1e-12)
    assert "Totals (whole year 2024)" in cells
    ghg = wb["GHG"]
    rows = [[c.value for c in r] for r in ghg.iter_rows()]
    scope1 = next(r for r in rows if r[1] == "Scope 1" and r[2] == "Total")
    assert scope1[4] == pytest.approx(a.value("ghg", "scope1"), rel=1e-12)


def test_input_quantity_shown_as_written_beside_the_converted_one(assessments, tmp_path):
    """The Jiangsu ledger writes electricity in 万kWh: 135.51 万kWh in 2024-01 is 1 355 100 kWh."""
    ws = _book(assessments["jiangsu_woven_dyeing_2024"], tmp_path)["Energy"]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    line = dict(zip(header, row))
    assert (line["As written"], line["Unit as written"]) == (pytest.approx(135.51), "万kWh")
    assert (line["Quantity"], line["Unit"]) == (pytest.approx(1355100), "kWh")


def test_about_shows_the_site_year_as_written(jiangsu, tmp_path):
    """The Site year 2024 prints as 2024 in About, not as a figure with a thousands separator
    (2,024); About's values are text."""
    out = tmp_path / "r.xlsx"
    write_report(jiangsu, out)
    ws = openpyxl.load_workbook(out)["About"]
    year = next(ws.cell(c.row, c.column + 1) for c in _cells(ws) if c.value == Words("en").key("year")
                and ws.cell(c.row, c.column - 1).value == Words("en")["sec_site"])
    assert year.value == "2024" and year.data_type == "s"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_cell_reads_nan_or_none(assessments, tmp_path, lang):
    """A missing value is an empty cell, never the words nan or None (the wastewater CH4 lines
    have no unit as written: their cell was 'nan')."""
    for name in NAMES:
        out = tmp_path / f"{name}_{lang}.xlsx"
        write_report(assessments[name], out, lang=lang)
        for ws in openpyxl.load_workbook(out).worksheets:
            bad = [c.coordinate for c in _cells(ws) if isinstance(c.value, str) and c.value.strip().lower()
                   in ("nan", "none", "<na>", "nat")]
            assert not bad, (name, ws.title, bad[:5])


def test_no_summary_chart_is_cut_by_a_page_break(tmp_path):
    """The baseline sample's Summary has five charts (three rows of two, 16 rows each): a page
    holds two rows of charts, so a break comes before the third row and none falls inside a
    chart (rows r+1 .. r+15 of a chart anchored at 0-based row r)."""
    from greentex.assessment import assess
    from greentex.io.workbook import read_workbook

    a = assess(read_workbook(SAMPLES / "baseline_mill_2023_2024.xlsx"))
    out = tmp_path / "b.xlsx"
    write_report(a, out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    starts = sorted({c.anchor._from.row for c in ws._charts})
    assert len(ws._charts) >= 5 and len(starts) >= 3
    breaks = [b.id for b in ws.row_breaks.brk]
    for r in starts:
        assert not [b for b in breaks if r + 1 <= b < r + 15], (r, breaks)
    assert any(starts[1] + 1 <= b <= starts[2] for b in breaks)
