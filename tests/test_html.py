"""The HTML summary (greentex report --html): self-contained, in en and zh, and readable in a real
browser, which prints it to an A4 PDF holding the key figures."""

import re
import shutil

import pytest

from conftest import SAMPLES
from greentex.assessment import assess
from greentex.io.html import number, render_html, write_html
from greentex.io.workbook import read_workbook


@pytest.fixture(scope="module")
def jiangsu():
    return assess(read_workbook(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx"))


def test_numbers_read_as_the_workbook_shows_them():
    """Decimals as given (the report's per-unit decimals), else at least two and four significant
    digits below 1; thousands separated."""
    assert number(14554.9712) == "14,554.97"
    assert number(701676.4, 0) == "701,676"
    assert number(0.12286) == "0.1229"
    assert number(0.012346) == "0.01235"
    assert number(0.012346, 2) == "0.01"
    assert number(7) == "7"
    assert number(float("nan")) == ""
    assert number("a < b") == "a &lt; b"


def test_page_is_self_contained_with_figures_charts_and_sections(jiangsu):
    page = render_html(jiangsu, lang="en", generated="2026-01-01 00:00:00 UTC")
    assert page.startswith("<!DOCTYPE html>")
    # nothing to fetch, nothing to run
    assert "<script" not in page.lower()
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', page)
    assert "@import" not in page and not re.search(r"url\((?!#)", page)  # only ids within the page
    # key figures as computed (formatted from the metrics table, not retyped)
    energy = jiangsu.value("energy", "total")
    assert f"{energy:,.2f}" in page
    assert f"{jiangsu.value('ghg', 'total_location'):,.2f}" in page
    # four charts (two monthly intensities, energy mix, scopes), each an inline SVG with text as text
    assert page.count("<svg") == 4
    assert "<text" in page and "2024-01" in page
    for heading in ("Key figures", "Benchmark verdicts", "Data issues", "Factors", "About"):
        assert heading in page
    assert "@page{size:A4" in page
    assert jiangsu.inventory.source["sha256"] in page
    assert "2026-01-01 00:00:00 UTC" in page


def test_chinese_page(jiangsu):
    page = render_html(jiangsu, lang="zh")
    assert '<html lang="zh-CN">' in page
    assert "主要指标" in page and "对标结论" in page and "达标" in page
    assert "苏州某印染有限公司" in page


def test_text_from_the_workbook_is_escaped(jiangsu, monkeypatch):
    monkeypatch.setitem(jiangsu.site, "name", "<script>alert(1)</script>")
    page = render_html(jiangsu)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_cli_writes_html_beside_the_report(tmp_path):
    from click.testing import CliRunner
    from greentex.cli import cli

    src = tmp_path / "mill.xlsx"
    shutil.copy(SAMPLES / "knit_dyeing_2024.xlsx", src)
    out = tmp_path / "mill.html"
    res = CliRunner().invoke(cli, ["report", str(src), "--html", str(out), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").count("<svg") >= 2
    assert str(out) in res.output.splitlines()[-1]
    res = CliRunner().invoke(cli, ["report", str(src), "--html", str(src)])
    assert res.exit_code == 2 and "overwrite the input" in res.output


needs_chromium = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")


@needs_chromium
def test_chromium_renders_and_prints_to_a4_pdf_with_the_key_figures(jiangsu, tmp_path):
    """Real headless Chromium: the charts have a size on screen; the printed PDF is A4
    (595 x 842 pt) and its text holds the key figures."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    path = tmp_path / "summary.html"
    write_html(jiangsu, path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(path.as_uri())
        boxes = [page.locator("figure svg").nth(k).bounding_box() for k in range(4)]
        assert all(b["width"] > 300 and b["height"] > 150 for b in boxes)
        assert f"{jiangsu.value('energy', 'total'):,.2f}" in page.inner_text(".figs")
        page.emulate_media(media="print")
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)  # the page's @page asks for A4
        browser.close()
    (tmp_path / "summary.pdf").write_bytes(pdf)
    reader = PdfReader(tmp_path / "summary.pdf")
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # not Letter (612 x 792)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())  # lines wrap
    for figure in (f"{jiangsu.value('energy', 'total'):,.2f}", f"{jiangsu.value('ghg', 'total_location'):,.2f}",
                   "Comprehensive energy consumption", "pass"):
        assert figure in text
