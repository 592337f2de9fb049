"""Read → assess → write: the one path from an input workbook to the report files, used by
``greentex report`` and by the web app (``greentex serve``) alike."""

from __future__ import annotations

from pathlib import Path

from greentex.io import paused_gc


class _Quiet:
    def stage(self, text: str) -> None:
        pass


def assess_file(path, *, options=None, factor_paths=(), progress=None, shown_path: str | None = None,
                previous_path=None):
    """Read the workbook at ``path`` (and last year's at ``previous_path``, for the comparisons
    with last year) and assess it. ``shown_path`` is the path the report and the JSON name as the
    input (default: ``path`` as given); the web app passes the uploaded file's name. Raises
    GreentexError on bad input. The workbook's largest sheet is parsed while the factor library
    and the modules that assess it load (greentex.io.sheets)."""
    from greentex.io.sheets import largest_sheet_ahead

    progress = progress or _Quiet()
    with largest_sheet_ahead(path):
        from greentex.assessment import assess
        from greentex.factors import load_library
        from greentex.io.workbook import read_workbook

        progress.stage("loading factors")
        lib = load_library(list(factor_paths))
        progress.stage(f"reading {Path(shown_path or path).name}")
        inv = read_workbook(path, library=lib)
    if shown_path is not None:
        inv.source["path"] = str(shown_path)
    previous = None
    if previous_path:
        progress.stage(f"reading {Path(previous_path).name}")
        previous = read_workbook(previous_path, library=lib)
    progress.stage("computing")
    return assess(inv, options=options, library=lib, previous=previous)


def write_outputs(a, *, report=None, json=None, rows=None, html=None, lang: str = "en", progress=None) -> None:
    """Write each output asked for: the report workbook, the JSON document, the row lineage CSV
    and the HTML summary, all or none (each to a temporary file, renamed together at the end)."""
    from greentex.io.atomic import output_group

    with output_group():
        _write_each(a, report=report, json=json, rows=rows, html=html, lang=lang, progress=progress or _Quiet())


def _write_each(a, *, report, json, rows, html, lang, progress) -> None:
    if report:
        from greentex.io.report import write_report

        progress.stage("writing the report")
        write_report(a, report, lang=lang)
    if json:
        from greentex.io.jsonout import write_json

        write_json(a, json)
    if rows:
        from greentex.io.lineage import write_lineage

        progress.stage("writing the rows")
        write_lineage(a, rows)
    if html:
        from greentex.io.html import write_html

        progress.stage("writing the HTML summary")
        write_html(a, html, lang=lang)


def run_report(path, *, report=None, json=None, rows=None, html=None, lang: str = "en", options=None,
               factor_paths=(), progress=None, shown_path: str | None = None, previous_path=None):
    """Assess the workbook at ``path`` and write the outputs asked for; returns the Assessment."""
    with paused_gc():
        a = assess_file(path, options=options, factor_paths=factor_paths, progress=progress,
                        shown_path=shown_path, previous_path=previous_path)
        write_outputs(a, report=report, json=json, rows=rows, html=html, lang=lang, progress=progress)
    return a
