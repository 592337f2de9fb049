"""The web app's API and page through the framework's test client: the same bytes as the command
line, one-line errors as 400, 413 for uploads over the limit, hostile files refused, nothing left
on disk."""

import io
import json
import re
import shutil
import time
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from conftest import SAMPLES, write_workbook  # noqa: E402
from greentex.cli import cli  # noqa: E402
from greentex.web.app import create_app, prefers_chinese, safe_name  # noqa: E402

SAMPLE = "jiangsu_woven_dyeing_2024.xlsx"


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def upload(name=SAMPLE, data=None):
    return {"file": (name, data if data is not None else (SAMPLES / name).read_bytes())}


def cli_json(tmp_path, monkeypatch, name=SAMPLE, args=()):
    """The JSON of `greentex report NAME --json` run in the file's folder (so the input path it
    records is the file's name, as the API records the uploaded file's name)."""
    shutil.copy(SAMPLES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["report", name, "-o", "cli.xlsx", "--json", "cli.json", *args])
    assert res.exit_code == 0, res.output
    return (tmp_path / "cli.json").read_bytes()


def test_api_report_returns_the_bytes_of_the_cli_json(client, tmp_path, monkeypatch):
    r = client.post("/api/report", files=upload())
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.content == cli_json(tmp_path, monkeypatch)


def test_api_report_options_are_the_cli_options(client, tmp_path, monkeypatch):
    fields = {"gwp": "AR6", "grid": "national", "benchmarks": ["cn_dyeing_norms_2017", "gb4287_2012_amendment_2015"]}
    r = client.post("/api/report", files=upload(), data=fields)
    assert r.status_code == 200, r.text
    expected = cli_json(tmp_path, monkeypatch, args=["--gwp", "AR6", "--grid", "national", "--benchmarks",
                                                     "cn_dyeing_norms_2017", "--benchmarks",
                                                     "gb4287_2012_amendment_2015"])
    assert r.content == expected
    assert r.json()["options"]["gwp"] == "AR6"


@pytest.mark.parametrize("files, data, message", [
    (upload("mill.xlsx", b"period,item\n2024-01,1\n"), {}, "mill.xlsx: this is a text file (CSV?), not a workbook"),
    (upload("empty.xlsx", b""), {}, "empty.xlsx: no file was uploaded, or it is empty"),
    (upload(), {"gwp": "AR9"}, "unknown GWP set 'AR9'"),
    (upload(), {"electricity_method": "magic"}, "unknown electricity method 'magic'"),
    (upload(), {"primary_coefficient": "lots"}, "primary_coefficient 'lots' is not a number"),
    (None, {"gwp": "AR5"}, "bad request: file"),
])
def test_bad_input_is_400_with_one_line(client, files, data, message):
    r = client.post("/api/report", files=files, data=data) if files else client.post("/api/report", data=data)
    assert r.status_code == 400
    error = r.json()["error"]
    assert message in error and "\n" not in error


def test_a_bad_cell_is_named_as_the_cli_names_it(client, tmp_path):
    path = write_workbook(tmp_path / "mill.xlsx", {"Energy": [["period", "Electricity [kWh]"], ["2024-01", "lots"]]})
    r = client.post("/api/report", files=upload("mill.xlsx", path.read_bytes()))
    res = CliRunner().invoke(cli, ["report", str(path), "-o", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 2 and r.status_code == 400
    error = r.json()["error"]
    assert error.startswith("mill.xlsx: sheet 'Energy' cell B2: 'lots' is not a number")
    assert res.output.strip() == f"greentex: error: {error}"


def test_hostile_files_are_refused_and_the_server_keeps_serving(client, tmp_path):
    good = write_workbook(tmp_path / "good.xlsx", {"Energy": [["period", "Electricity [kWh]"], ["2024-01", 100]]})
    bomb = io.BytesIO()
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.writestr("xl/media/padding.bin", b"\0" * (24 << 20))  # 24 MiB of zeros in ~24 KiB
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptionInfo".encode("utf-16-le")
    for name, data, message in [("bomb.xlsx", bomb.getvalue(), "looks like a zip bomb"),
                                ("locked.xlsx", encrypted, "password-protected")]:
        start = time.monotonic()
        r = client.post("/api/report", files=upload(name, data))
        assert r.status_code == 400 and message in r.json()["error"]
        assert time.monotonic() - start < 30
    assert client.post("/api/report", files=upload()).status_code == 200


def test_uploads_over_the_limit_are_413(tmp_path):
    small = TestClient(create_app(max_upload=10_000))
    data = (SAMPLES / SAMPLE).read_bytes()
    assert len(data) > 10_000
    r = small.post("/api/report", files=upload(data=data))
    assert r.status_code == 413 and "limit" in r.json()["error"]
    r = small.post("/", files=upload(data=data))
    assert r.status_code == 413
    assert small.get("/").status_code == 200


def test_nothing_is_left_on_disk(client, tmp_path, monkeypatch):
    """Uploads are processed in a temporary directory that is deleted, whether the work
    succeeds or fails."""
    import tempfile

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    assert client.post("/api/report", files=upload()).status_code == 200
    assert client.post("/api/report", files=upload("x.xlsx", b"PK\x03\x04broken")).status_code == 400
    assert client.post("/", files=upload()).status_code == 200
    assert list(tmp.iterdir()) == []


def test_api_check_gives_verdicts_and_the_exit_status_of_check(client, tmp_path):
    path = tmp_path / SAMPLE
    shutil.copy(SAMPLES / SAMPLE, path)
    r = client.post("/api/check", files=upload())
    assert r.status_code == 200
    body = r.json()
    exit_code = CliRunner().invoke(cli, ["check", str(path)]).exit_code
    assert body["exit_status"] == exit_code and body["compliant"] == (exit_code == 0)
    assert {v["verdict"] for v in body["verdicts"]} <= {"pass", "fail", "not applicable"} and body["verdicts"]
    assert all(v["period"] == "total" for v in body["verdicts"])


def test_api_template(client):
    r = client.get("/api/template?lang=zh")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert "能源" in wb.sheetnames
    assert client.get("/api/template?lang=fr").status_code == 400


def test_openapi_is_served_and_nothing_loads_from_a_cdn(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/report", "/api/check", "/api/template"} <= set(paths)
    assert client.get("/docs").status_code == 404  # Swagger UI would load its scripts from a CDN
    page = client.get("/").text
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_page_language_follows_the_browser_unless_asked(client):
    assert "生成报告" in client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.8"}).text
    assert "Make the report" in client.get("/", headers={"accept-language": "en-GB,en;q=0.9,zh;q=0.5"}).text
    assert "Make the report" in client.get("/?lang=en", headers={"accept-language": "zh"}).text
    assert prefers_chinese("en;q=0.5, zh-TW;q=0.8") and not prefers_chinese(None)


def test_page_shows_the_summary_and_downloads_equal_the_cli(client, tmp_path, monkeypatch):
    r = client.post("/", files=upload(), data={"lang": "en"})
    energy = json.loads(cli_json(tmp_path, monkeypatch))["metrics"]
    energy = next(m["value"] for m in energy if (m["metric"], m["item"], m["period"]) == ("energy", "total", "total"))
    assert r.status_code == 200 and f"{energy:,.2f}" in r.text and "<svg" in r.text
    token = re.search(r'/results/([\w-]+)/report\.xlsx', r.text).group(1)
    zh = client.get(f"/results/{token}?lang=zh")
    assert "主要指标" in zh.text
    assert client.get(f"/results/{token}/report.json").content == (tmp_path / "cli.json").read_bytes()
    book = client.get(f"/results/{token}/report.xlsx?lang=en")
    assert "attachment" in book.headers["content-disposition"]
    assert workbook_values(book.content) == workbook_values((tmp_path / "cli.xlsx").read_bytes())
    rows = client.get(f"/results/{token}/rows.csv")
    assert rows.content.startswith(b"\xef\xbb\xbfsheet,cell,status")
    assert client.get(f"/results/{token}/summary.html").text.startswith("<!DOCTYPE html>")
    assert client.get("/results/nosuchtoken/report.xlsx").status_code == 404


def test_page_error_is_the_cli_line(client):
    r = client.post("/", files=upload("notes.xlsx", b"just text"), data={"lang": "en"})
    assert r.status_code == 400
    assert "greentex: error: notes.xlsx: this is a text file" in r.text
    zh = client.post("/", files=upload("notes.xlsx", b"just text"), data={"lang": "zh"})
    assert zh.status_code == 400 and "notes.xlsx：这是文本文件（CSV？），不是工作簿" in zh.text


GENERATED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})? UTC")


def workbook_values(data: bytes) -> dict:
    """Every sheet's cell values (what a person reads), not the file's timestamps nor the
    generation time it shows."""
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [[GENERATED.sub("(time)", c) if isinstance(c, str) else c for c in row]
                       for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_safe_name():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\me\\能源台账.xlsx") == "能源台账.xlsx"
    assert safe_name(".hidden.xlsx") == "hidden.xlsx"
    assert safe_name("a\x00b\n.xlsx") == "ab.xlsx"
    assert safe_name("") == "upload.xlsx" and safe_name(None) == "upload.xlsx"


def test_serve_binds_to_loopback_and_warns_loudly_otherwise(monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    res = CliRunner().invoke(cli, ["serve"])
    assert res.exit_code == 0 and calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8765
    assert "WARNING" not in res.output and "http://127.0.0.1:8765/" in res.output
    res = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "9000", "--max-upload", "5"])
    assert calls[-1]["host"] == "0.0.0.0" and "WARNING: serving on 0.0.0.0" in res.output
    assert "upload limit 5 MB" in res.output


@pytest.mark.parametrize("lang, national, region, province", [
    ("en", "national grid average", "East China grid", "Jiangsu"),
    ("zh", "全国电网平均", "华东区域电网", "江苏省"),
])
def test_the_grid_list_names_each_grid_in_the_page_language(client, lang, national, region, province):
    """The grid options carry ids as values and names as text: national factors first, then the
    regional grids, then the provinces; the empty choice says the province comes first."""
    page = client.get(f"/?lang={lang}").text
    select = re.search(r'<select name="grid">(.*?)</select>', page, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    names = dict(options)
    assert (names["national"], names["east"], names["jiangsu"]) == (national, region, province)
    order = [value for value, _ in options]
    assert order.index("national") < order.index("east") < order.index("jiangsu")
    assert ("province" if lang == "en" else "省份") in names[""]


def _year_book(tmp_path, year, kwh):
    return write_workbook(tmp_path / f"mill_{year}.xlsx", {
        "Site": [["year", year]],
        "Energy": [["period", "Electricity [kWh]"]] + [[f"{year}-{m:02d}", kwh] for m in (1, 2, 3)]})


def test_api_takes_last_years_workbook_and_the_year_as_the_cli(client, tmp_path, monkeypatch):
    """previous = --previous, year = --year: the same JSON bytes. March 2024 110 000 kWh against
    March 2023 100 000 kWh: electricity energy 同比 +10 %."""
    this, last = _year_book(tmp_path, 2024, 110_000), _year_book(tmp_path, 2023, 100_000)
    r = client.post("/api/report", files={"file": (this.name, this.read_bytes()),
                                          "previous": (last.name, last.read_bytes())}, data={"year": "2024"})
    assert r.status_code == 200, r.text
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["report", this.name, "-o", "cli.xlsx", "--json", "cli.json",
                                   "--previous", last.name, "--year", "2024"])
    assert res.exit_code == 0, res.output
    assert r.content == (tmp_path / "cli.json").read_bytes()
    yoy = [m for m in r.json()["metrics"] if m["metric"] == "energy_yoy_pct" and m["item"] == "electricity"
           and m["period"] == "2024-03"]
    assert yoy and abs(yoy[0]["value"] - 10.0) < 1e-9


def test_page_takes_last_years_workbook(client, tmp_path):
    this, last = _year_book(tmp_path, 2024, 110_000), _year_book(tmp_path, 2023, 100_000)
    page = client.post("/", files={"file": (this.name, this.read_bytes()), "previous": (last.name, last.read_bytes())},
                       data={"lang": "zh"}).text
    assert "同比与环比" in page and "累计同比" in page    # the summary's comparison tables
    alone = client.post("/", files={"file": (this.name, this.read_bytes())}, data={"lang": "zh"}).text
    assert "同比与环比" not in alone
    bad = client.post("/api/report", files={"file": (this.name, this.read_bytes())}, data={"year": "24"})
    assert bad.status_code == 400 and "year '24' is not a year" in bad.json()["error"]
