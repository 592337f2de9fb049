"""The command line, through click's CliRunner: every command, its help, its exit codes."""

import re
import json
import math

import pandas as pd
import pytest
from click.testing import CliRunner

from greentex.assessment import assess
from greentex.cli import cli
from greentex.io.workbook import read_workbook

from conftest import SAMPLES


@pytest.fixture
def runner():
    return CliRunner()


def _mill(make_workbook):
    return make_workbook({
        "Site": [["key", "value"], ["name", "Test mill"], ["year", 2024], ["grid", "east"]],
        "Energy": [["period", "Electricity [万kWh]", "Natural gas [万m³]"], ["2024-01", 150, 20],
                   ["2024-02", 120, 18]],
        "Water": [["period", "item", "quantity", "unit"], ["2024-01", "tap_water", 50000, "m3"],
                  ["2024-01", "reused_water", 30000, "m3"], ["2024-02", "tap_water", 40000, "m3"]],
        "Production": [["period", "Woven fabric [万米]"], ["2024-01", 400], ["2024-02", 300]],
    })


@pytest.mark.parametrize("command", [[]] + [[name] for name in sorted(cli.commands)])
def test_every_command_has_help(runner, command):
    result = runner.invoke(cli, command + ["--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_every_option_has_help(runner):
    for name, command in cli.commands.items():
        assert command.help, name
        for param in command.params:
            if param.param_type_name == "option":
                assert param.help, f"{name} {param.opts}"


def test_template_writes_and_says_so(runner, tmp_path):
    path = tmp_path / "t.xlsx"
    result = runner.invoke(cli, ["template", str(path), "--lang", "zh"])
    assert result.exit_code == 0
    assert result.output == f"wrote {path}\n"
    assert path.exists()


def test_validate_output(runner, make_workbook):
    result = runner.invoke(cli, ["validate", str(_mill(make_workbook))])
    assert result.exit_code == 0
    assert result.output == (
        "Energy: 2 rows read, 2 used, 0 rejected\n"
        "Water: 3 rows read, 3 used, 0 rejected\n"
        "Production: 2 rows read, 2 used, 0 rejected\n"
        "warning: Water 2024-02: reused_water: no row for 2024-02, though 2024-01 has one and the sheet has "
        "other rows for 2024-02: nothing is counted for it; check it\n"
        "note: year to date: the data run from 2024-01 to 2024-02 (2 of the 12 months of 2024); the months still "
        "to come are not missing, and every 2024 figure is the year to date\n"
        "ok\n")


def test_report_summary_and_files(runner, make_workbook, tmp_path):
    """Jan + Feb: electricity 2 700 000 kWh x 0.1229 = 331.83 tce; gas 380 000 m3 x 1.33 = 505.4 tce;
    total 837.23 tce over 70 000 hm = 11.960428... kgce/hm."""
    out, js = tmp_path / "r.xlsx", tmp_path / "r.json"
    result = runner.invoke(cli, ["report", str(_mill(make_workbook)), "-o", str(out), "--json", str(js)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "energy 837.23 tce"
    assert "woven_fabric: 11.96 kgce/(100 m)" in result.output
    assert result.output.splitlines()[-1] == f"wrote {out} and {js}"
    assert out.exists() and js.exists()


def test_report_summary_in_chinese(runner, make_workbook, tmp_path):
    """The same figures as above (837.23 tce; 11.96 kgce/百米) in Chinese words, names not ids."""
    out, js = tmp_path / "r.xlsx", tmp_path / "r.json"
    result = runner.invoke(cli, ["report", str(_mill(make_workbook)), "-o", str(out), "--json", str(js), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "综合能源消费量 837.23 tce"
    assert any(line.endswith("：11.96 kgce/百米；" + line.split("；")[-1]) and "woven_fabric" not in line
               for line in lines)
    assert lines[-1] == f"已写出 {out}、{js}"
    assert not re.search(r"\b(energy|GHG|benchmarks|issues|wrote|fail|pass)\b", result.output)


def test_round_trip_metrics_sheet_json_and_api_agree(runner, tmp_path):
    src = SAMPLES / "multi_product_2024.xlsx"
    out, js = tmp_path / "r.xlsx", tmp_path / "r.json"
    result = runner.invoke(cli, ["report", str(src), "-o", str(out), "--json", str(js)])
    assert result.exit_code == 0, result.output
    api = assess(read_workbook(src)).metrics
    sheet = pd.read_excel(out, sheet_name="Metrics", engine="openpyxl")
    doc = json.loads(js.read_text(encoding="utf-8"))
    from_json = pd.DataFrame(doc["metrics"])
    for frame in (sheet, from_json):
        assert list(frame.columns) == ["metric", "item", "period", "value", "unit"]
        assert frame[["metric", "item", "period", "unit"]].astype(str).values.tolist() == \
            api[["metric", "item", "period", "unit"]].astype(str).values.tolist()
        pd.testing.assert_series_equal(frame["value"].astype(float), api["value"].astype(float),
                                       check_names=False, rtol=1e-12)
    assert set(doc) >= {"greentex_version", "input", "site", "options", "metrics", "benchmarks",
                        "factors", "issues"}
    assert len(doc["input"]["sha256"]) == 64


def test_json_is_strict_and_nulls_have_an_issue(runner, make_workbook, tmp_path):
    path = make_workbook({"Energy": [["period", "Coke [t]"], ["2024-01", 10]]})
    js = tmp_path / "r.json"
    result = runner.invoke(cli, ["report", str(path), "-o", str(tmp_path / "r.xlsx"), "--json", str(js),
                                 "--combustion-defaults", "ipcc"])  # the IPCC table has no coke row
    assert result.exit_code == 0, result.output
    text = js.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    doc = json.loads(text)
    nulls = [m for m in doc["metrics"] if m["value"] is None]
    assert nulls and all(m["metric"] == "ghg" for m in nulls)
    assert any("coke" in i["message"] for i in doc["issues"])


@pytest.mark.parametrize("args, message", [
    (["report", "missing.xlsx"], "missing.xlsx: file not found"),
    (["report", "{bad}"], "sheet 'Energy' cell B2: 'lots' is not a number"),
    (["report", "{good}", "--grid", "mars"], "unknown grid 'mars'"),
    (["report", "{good}", "--electricity-method", "primary"], "primary-energy method needs"),
    (["factors", "show", "nope"], "no dataset 'nope'"),
])
def test_bad_input_exits_2_with_one_line(runner, make_workbook, tmp_path, args, message):
    bad = make_workbook({"Energy": [["period", "Electricity [kWh]"], ["2024-01", "lots"]]}, "bad.xlsx")
    good = _mill(make_workbook)
    args = [a.format(bad=bad, good=good) for a in args]
    result = runner.invoke(cli, args + (["-o", str(tmp_path / "o.xlsx")] if args[0] == "report" else []))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("greentex: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "o.xlsx").exists()


def test_report_never_overwrites_its_input(runner, make_workbook):
    path = _mill(make_workbook)
    before = path.read_bytes()
    result = runner.invoke(cli, ["report", str(path), "-o", str(path)])
    assert result.exit_code == 2 and "would overwrite the input" in result.output
    assert path.read_bytes() == before


def test_factors_list_and_show(runner):
    result = runner.invoke(cli, ["factors"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("gbt2589_coefficients: ")
    shown = runner.invoke(cli, ["factors", "show", "gwp"])
    assert shown.exit_code == 0 and "AR6" in shown.output and "27.0" in shown.output
    items = runner.invoke(cli, ["factors", "show", "items"])
    assert "电力" in items.output


def test_user_factors_change_the_result(runner, make_workbook, tmp_path):
    heat = tmp_path / "heat_factors.csv"
    heat.write_text("item,value,unit,source,reference,status,note\n"
                    "heat,0.05,tCO2/GJ,supplier,contract,user,\n", encoding="utf-8")
    path = make_workbook({"Energy": [["period", "Steam [t]"], ["2024-01", 1000]], "Site": [["year", 2024]]})
    js = tmp_path / "r.json"
    runner.invoke(cli, ["report", str(path), "-o", str(tmp_path / "r.xlsx"), "--json", str(js),
                        "--factors", str(heat)])
    doc = json.loads(js.read_text(encoding="utf-8"))
    heat_rows = [m for m in doc["metrics"] if m["item"] == "heat" and m["period"] == "total"]
    # 1 000 t x 3.763 GJ/t x 0.05 tCO2/GJ = 188.15 t
    assert math.isclose(heat_rows[0]["value"], 188.15)


@pytest.mark.parametrize("option", ["--json", "--rows"])
def test_an_output_in_a_missing_folder_is_refused_before_anything_is_written(runner, make_workbook, tmp_path,
                                                                            option):
    out = tmp_path / "r.xlsx"
    missing = tmp_path / "no such folder" / "out.file"
    result = runner.invoke(cli, ["report", str(_mill(make_workbook)), "-o", str(out), option, str(missing)])
    assert result.exit_code == 2
    assert result.output.strip().endswith("folder not found (create it or choose another output path)")
    assert not out.exists()


def test_validate_and_check_speak_chinese():
    """--lang zh: the row counts, verdict table and closing word in Chinese, names not ids."""

    runner = CliRunner()
    v = runner.invoke(cli, ["validate", str(SAMPLES / "knit_dyeing_2024.xlsx"), "--lang", "zh"])
    assert v.exit_code == 0 and "读取 68 行，使用 68 行，剔除 0 行" in v.output and v.output.strip().endswith("通过")
    c = runner.invoke(cli, ["check", str(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx"), "--lang", "zh"])
    assert c.exit_code == 0 and "印染行业规范条件（2017版）" in c.output and "2024年全年" in c.output
    assert "cn_dyeing_norms_2017" not in c.output and "woven_fabric" not in c.output
    assert c.output.strip().endswith("达标")


def test_baseline_scenario_and_batch_speak_chinese(tmp_path):
    """--lang zh on baseline, scenario and batch: the printed lines in Chinese, item and metric
    names rather than ids; without it, English as before."""
    runner = CliRunner()
    b = runner.invoke(cli, ["baseline", str(SAMPLES / "baseline_mill_2023_2024.xlsx"), "--baseline-period", "2023",
                            "-o", str(tmp_path / "b.xlsx"), "--lang", "zh"])
    assert b.exit_code == 0, b.output
    assert b.output.startswith("基准期 2023-01..2023-12（12 个月），驱动因素：产量 [百米]")
    assert "蒸汽 12 个月：实际 " in b.output and "节能量" in b.output and "已写出" in b.output
    body = b.output.rsplit("已写出", 1)[0]     # the paths written may hold any word
    for english in ("baseline", "months", "savings", "valid", "natural_gas", "wrote", "R2 "):
        assert english not in body, english
    s = runner.invoke(cli, ["scenario", str(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx"), "--scenarios",
                            str(SAMPLES / "scenarios_example.csv"), "-o", str(tmp_path / "s.xlsx"), "--lang", "zh"])
    assert s.exit_code == 0, s.output
    assert "Heat recovery：综合能耗 13,804.0 tce (-750.9)，温室气体（基于位置）" in s.output and "取水量" in s.output
    assert "energy" not in s.output.rsplit("已写出", 1)[0] and "water intake" not in s.output
    folder = tmp_path / "mills"
    folder.mkdir()
    (folder / "knit.xlsx").write_bytes((SAMPLES / "knit_dyeing_2024.xlsx").read_bytes())
    p = runner.invoke(cli, ["batch", str(folder), "-o", str(tmp_path / "p.xlsx"), "--jobs", "1", "--lang", "zh"])
    assert p.exit_code == 0 and p.output.startswith("已评估 1 个工作簿，失败 0 个；已写出 "), p.output
    e = runner.invoke(cli, ["baseline", str(SAMPLES / "baseline_mill_2023_2024.xlsx"), "--baseline-period", "2023",
                            "-o", str(tmp_path / "e.xlsx")])
    assert e.output.startswith("baseline 2023-01..2023-12 (12 months), drivers: production [hm]")
