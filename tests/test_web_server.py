"""`greentex serve` as a person and a script meet it: a real server on 127.0.0.1 (loopback only),
the page in headless Chromium, 20 concurrent uploads, and a zip bomb while others are served."""

import concurrent.futures
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")
psutil = pytest.importorskip("psutil")

from conftest import SAMPLES, write_workbook  # noqa: E402
from greentex.cli import cli  # noqa: E402
from test_web import workbook_values  # noqa: E402

SAMPLE = "jiangsu_woven_dyeing_2024.xlsx"
SHOTS = Path(os.environ.get("GREENTEX_SCREENSHOTS", "")) if os.environ.get("GREENTEX_SCREENSHOTS") else None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`greentex serve` in its own process on a free loopback port; stopped after the tests."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cwd = tmp_path_factory.mktemp("served")
    proc = subprocess.Popen([sys.executable, "-c", "from greentex.cli import main; main()", "serve", "--port",
                             str(port), "--jobs", "2"], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the server did not start: " + proc.stdout.read().decode(errors="replace"))
    yield url, proc, cwd
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def cli_outputs(tmp_path_factory):
    """The CLI's report workbook and JSON of the sample, run in the sample's folder."""
    folder = tmp_path_factory.mktemp("cli")
    shutil.copy(SAMPLES / SAMPLE, folder / SAMPLE)
    old = os.getcwd()
    os.chdir(folder)
    try:
        res = CliRunner().invoke(cli, ["report", SAMPLE, "-o", "cli.xlsx", "--json", "cli.json"])
    finally:
        os.chdir(old)
    assert res.exit_code == 0, res.output
    return folder / "cli.xlsx", (folder / "cli.json").read_bytes()


def post(url, name=SAMPLE, data=None, timeout=120):
    data = data if data is not None else (SAMPLES / name).read_bytes()
    return httpx.post(url + "/api/report", files={"file": (name, data)}, timeout=timeout)


def test_the_page_in_headless_chromium(server, cli_outputs, tmp_path):
    """Load the page, upload the sample, see the key figures and a chart, switch to Chinese,
    download the workbook: its cells equal the CLI's."""
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    url, _, served = server
    shots = SHOTS or tmp_path
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-US",
                                   accept_downloads=True).new_page()
        page.goto(url + "/")
        assert page.locator("#submit").inner_text() == "Make the report"
        page.screenshot(path=str(shots / "web_1_empty.png"))
        page.set_input_files("#file", str(SAMPLES / SAMPLE))
        page.click("#submit")
        page.wait_for_selector("#summary")
        figures = page.inner_text(".figs")
        energy = next(m["value"] for m in json.loads(cli_outputs[1])["metrics"]
                      if (m["metric"], m["item"], m["period"]) == ("energy", "total", "total"))
        assert "Comprehensive energy consumption" in figures and f"{energy:,.2f}" in figures
        chart = page.locator("#summary figure svg").first.bounding_box()
        assert chart["width"] > 300 and chart["height"] > 150
        page.screenshot(path=str(shots / "web_2_result.png"), full_page=True)
        page.click("#lang-switch")
        page.wait_for_selector("#summary")
        assert "主要指标" in page.inner_text("#summary") and page.locator("#submit").inner_text() == "生成报告"
        page.screenshot(path=str(shots / "web_3_zh.png"))
        with page.expect_download() as download:
            page.click("#downloads a >> nth=0")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        page.goto(url + "/?lang=en")
        page.set_input_files("#file", str(SAMPLES / SAMPLE))
        page.click("#submit")
        page.wait_for_selector("#summary")
        with page.expect_download() as download:
            page.click("#downloads a >> nth=0")
        english = tmp_path / "en.xlsx"
        download.value.save_as(english)
        browser.close()
    assert saved.name == "jiangsu_woven_dyeing_2024_report.xlsx"
    assert "摘要" in workbook_values(saved.read_bytes())  # the Chinese workbook
    assert workbook_values(english.read_bytes()) == workbook_values(cli_outputs[0].read_bytes())
    assert list(served.iterdir()) == []  # nothing written where the server runs


def rss(proc) -> int:
    p = psutil.Process(proc.pid)
    return p.memory_info().rss


def test_twenty_concurrent_uploads_are_answered_right_and_memory_returns(server, cli_outputs):
    url, proc, _ = server
    expected = cli_outputs[1]
    for _ in range(3):  # warm: imports, the factor library, the worker threads
        assert post(url).content == expected
    before = rss(proc)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: post(url), range(20)))
    took = time.monotonic() - start
    assert [a.status_code for a in answers] == [200] * 20
    assert all(a.content == expected for a in answers)
    time.sleep(1)
    after = rss(proc)
    print(f"20 concurrent uploads in {took:.1f} s; server RSS {before / 2**20:.0f} MB before, "
          f"{after / 2**20:.0f} MB after")
    assert after - before < 60 * 2**20, (before, after)


def test_a_zip_bomb_is_refused_quickly_while_the_server_keeps_serving(server, cli_outputs, tmp_path):
    url, _, _ = server
    good = write_workbook(tmp_path / "good.xlsx", {"Energy": [["period", "Electricity [kWh]"], ["2024-01", 100]]})
    bomb = io.BytesIO()
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.writestr("xl/worksheets/padding.xml", b" " * (1100 << 20))  # 1.1 GiB of XML in about 1 MB
    assert len(bomb.getvalue()) < 3 << 20
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        start = time.monotonic()
        refused = pool.submit(post, url, "bomb.xlsx", bomb.getvalue())
        fine = pool.submit(post, url)
        page = pool.submit(httpx.get, url + "/", timeout=30)
        r = refused.result()
        took = time.monotonic() - start
        assert r.status_code == 400 and "zip bomb" in r.json()["error"], r.text
        assert took < 30
        assert fine.result().content == cli_outputs[1]
        assert page.result().status_code == 200
    print(f"zip bomb refused in {took:.2f} s")
    r = httpx.post(url + "/api/report", files={"file": ("big.xlsx", b"\0" * (51 << 20))}, timeout=60)
    assert r.status_code == 413
    assert re.search(r"50 MB", r.json()["error"])
    assert post(url).status_code == 200
