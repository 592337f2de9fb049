"""The local web app (``greentex serve``): a page to drop a workbook on and read its report, and
an API for scripts. Optional extra: ``pip install 'greentex[web]'`` (FastAPI, uvicorn, Jinja2).

Safety: every upload is copied into a fresh temporary directory, read with the same hostile-file
checks as the command line (greentex/io/filecheck.py), and the directory is deleted when the
work is done; nothing is written anywhere else and no file is served from disk. Requests larger
than ``max_upload`` bytes are refused with 413 before they are read. The work runs in worker
threads (at most ``workers`` at once), so the server answers other requests meanwhile. Results
the page shows are kept in memory (the newest ``keep`` for ``keep_seconds``) for their downloads.
"""

from __future__ import annotations

import collections
import json
import os
import re
import secrets
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote

import anyio
from fastapi import Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

import greentex
from greentex.errors import GreentexError

MAX_UPLOAD = 50 * 2**20
ACCEPTED = (".xlsx", ".xlsm", ".xls", ".ods")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- the work (in worker threads) ------------------------------------------------------------

def safe_name(filename: str | None) -> str:
    """The uploaded file's own name without any folder, control character or leading dot (the
    name the report and the JSON show as the input); 'upload.xlsx' when nothing is left."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return name[-120:] or "upload.xlsx"


def options_from(gwp: str = "AR5", electricity_method: str = "calorific", grid: str | None = None,
                 primary_coefficient: str | float | None = None, benchmarks=(), year: str | int | None = None):
    """greentex.assessment.Options from form fields, checked as the command line checks them."""
    from greentex.options import Options

    if year not in (None, "") and not re.fullmatch(r"\s*\d{4}\s*", str(year)):
        raise GreentexError(f"year '{year}' is not a year", hint="give the calendar year to report, e.g. 2024")
    coefficient = None
    if primary_coefficient not in (None, ""):
        try:
            coefficient = float(primary_coefficient)
        except (TypeError, ValueError):
            raise GreentexError(f"primary_coefficient '{primary_coefficient}' is not a number",
                                hint="give kgce/kWh, e.g. 0.30") from None
    options = Options(gwp=gwp or "AR5", electricity_method=electricity_method or "calorific", grid=grid or None,
                      primary_coefficient=coefficient, benchmarks=tuple(b for b in benchmarks if b),
                      year=int(year) if year not in (None, "") else None)
    options.check()
    return options


def option_fields(gwp: str = Form("AR5"), electricity_method: str = Form("calorific"), grid: str = Form(""),
                  primary_coefficient: str = Form(""), benchmarks: list[str] = Form([]), year: str = Form("")) -> dict:
    """The assessment options' form fields, of the page's form and of the API alike, as given
    (options_from checks them)."""
    return {"gwp": gwp, "electricity_method": electricity_method, "grid": grid,
            "primary_coefficient": primary_coefficient, "benchmarks": benchmarks, "year": year}


def _in_temp(data: bytes, name: str, work, previous: tuple[bytes, str] | None = None):
    """Run ``work(path, folder, previous_path)`` on the upload written as ``name`` (and last
    year's workbook, if any, under its own name in a folder of its own) in a new temporary
    directory, deleted afterwards whatever happens."""
    with tempfile.TemporaryDirectory(prefix="greentex-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        previous_path = None
        if previous is not None:
            (Path(folder) / "previous").mkdir()
            previous_path = Path(folder) / "previous" / previous[1]
            previous_path.write_bytes(previous[0])
        return work(path, Path(folder), previous_path)


def assess_upload(data: bytes, name: str, options, *, json_bytes: bool = False,
                  previous: tuple[bytes, str] | None = None):
    """The Assessment of an uploaded workbook, with last year's (bytes, name) for the comparisons
    (and, with ``json_bytes``, the report JSON's bytes, written exactly as ``greentex report
    --json`` writes them)."""
    from greentex.io.outputs import run_report

    def work(path, folder, previous_path):
        out = folder / "report.json"
        a = run_report(path, json=out if json_bytes else None, options=options, shown_path=name,
                       previous_path=previous_path)
        return (a, out.read_bytes()) if json_bytes else a

    return _in_temp(data, name, work, previous)


def output_bytes(a, kind: str, lang: str) -> bytes:
    """One output of an assessment as bytes, written by the command line's own writers
    (report workbook, JSON, rows CSV or HTML summary) into a temporary directory."""
    from greentex.io.outputs import write_outputs

    with tempfile.TemporaryDirectory(prefix="greentex-out-") as folder:
        path = Path(folder) / f"out.{kind}"
        key = {"xlsx": "report", "json": "json", "csv": "rows", "html": "html"}[kind]
        write_outputs(a, lang=lang, **{key: path})
        return path.read_bytes()


def check_result(a) -> dict:
    """What ``greentex check`` says: the verdicts of the headline lines (each calendar year, or
    the whole period), whether all assessed ones pass, and the command's exit status (0
    compliant, 1 not)."""
    from greentex.benchmarks import failed, headline
    from greentex.io.jsonout import document, records

    b = a.benchmarks
    bad = failed(b)
    return document({"compliant": not len(bad), "exit_status": 1 if len(bad) else 0,
                     "failed": int(len(bad)), "verdicts": records(headline(b))}, a)


def template_bytes(lang: str) -> bytes:
    from greentex.io.template import write_template

    with tempfile.TemporaryDirectory(prefix="greentex-template-") as folder:
        path = Path(folder) / "template.xlsx"
        write_template(path, lang=lang)
        return path.read_bytes()


# -- results kept for the page's downloads ---------------------------------------------------

@dataclass
class Result:
    assessment: object
    name: str
    created: float
    form: dict      # the options as the page's form had them


class Results:
    """The newest ``keep`` results, each for ``seconds``, by an unguessable token."""

    def __init__(self, keep: int = 16, seconds: float = 3600):
        self.keep, self.seconds = keep, seconds
        self._items: collections.OrderedDict[str, Result] = collections.OrderedDict()
        self._lock = threading.Lock()

    def add(self, a, name: str, form: dict) -> str:
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._items[token] = Result(a, name, time.monotonic(), form)
            while len(self._items) > self.keep:
                self._items.popitem(last=False)
        return token

    def get(self, token: str) -> Result | None:
        with self._lock:
            r = self._items.get(token)
            if r is not None and time.monotonic() - r.created > self.seconds:
                del self._items[token]
                return None
            return r


# -- size limit ------------------------------------------------------------------------------

class _TooLarge(Exception):
    pass


class LimitUploads:
    """ASGI middleware: a request body larger than ``limit`` bytes gets 413, by its
    Content-Length before anything is read, or as soon as a streamed body passes the limit."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await self._refuse(scope, send)
        seen = 0
        started = False

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        async def tracked(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send)

    async def _refuse(self, scope, send):
        mb = self.limit / 2**20
        message = f"the upload is larger than the server's limit of {mb:,.0f} MB (greentex serve --max-upload)"
        body = json.dumps({"error": message}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


# -- the app ---------------------------------------------------------------------------------

def grid_order(lib) -> list[str]:
    """The shipped grids as a person looks for them: national factors, then the regional grids,
    then the provinces (ids of cn_grid_electricity)."""
    if "cn_grid_electricity" not in lib.datasets:
        return []
    grids = set(lib.datasets["cn_grid_electricity"].frame["grid"])
    provinces, regions = set(lib.provinces["grid"]), set(lib.provinces["region"])
    rank = lambda g: (g in provinces, g in regions and g not in provinces, g)  # noqa: E731
    return sorted(grids, key=rank)


def prefers_chinese(accept_language: str | None) -> bool:
    """Whether the browser's Accept-Language puts a Chinese language first (by q value)."""
    best, best_q = "", -1.0
    for part in (accept_language or "").split(","):
        bits = part.strip().split(";")
        q = 1.0
        for b in bits[1:]:
            if b.strip().startswith("q="):
                try:
                    q = float(b.strip()[2:])
                except ValueError:
                    q = 0.0
        if bits[0] and q > best_q:
            best, best_q = bits[0].strip().lower(), q
    return best.startswith("zh")


def _download(data: bytes, filename: str, media: str) -> Response:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return Response(data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"})


def create_app(*, max_upload: int = MAX_UPLOAD, workers: int | None = None, keep: int = 16,
               keep_seconds: float = 3600):
    """The ASGI app: the page at /, the API under /api (OpenAPI description at /openapi.json)."""
    from greentex.display import Words
    from greentex.factors import load_library
    from greentex.labels import labels

    # Swagger UI and ReDoc load their scripts from a CDN: only the description is served
    app = FastAPI(title="greentex", version=greentex.__version__, docs_url=None, redoc_url=None,
                  description="Energy, GHG, water and chemical figures of a textile mill from its Excel workbook.")
    limiter = anyio.CapacityLimiter(workers or max(1, min(4, os.cpu_count() or 1)))
    results = Results(keep, keep_seconds)
    env = Environment(loader=PackageLoader("greentex.web", "templates"), autoescape=select_autoescape())
    lib = load_library()
    grids = grid_order(lib)
    benchmark_sets = lib.ids("benchmark")

    async def run(fn, *args, **kwargs):
        return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), limiter=limiter)

    def language(request: Request, lang: str | None) -> str:
        if lang in ("en", "zh"):
            return lang
        return "zh" if prefers_chinese(request.headers.get("accept-language")) else "en"

    def page(request, lang, *, status=200, error=None, token=None, result=None, form=None):
        from greentex.io.html import CSS, summary

        t = labels()[lang]
        w = Words(lang)
        body = title = None
        if result is not None:
            title, body = summary(result.assessment, lang=lang)
        html = env.get_template("page.html").render(
            t=t, lang=lang, other="zh" if lang == "en" else "en", error=error, token=token, body=body,
            title=title, css=CSS, form=form or {}, grids=[(g, w.grid(g)) for g in grids], benchmark_sets=[(b, w.benchmark(b)) for b in benchmark_sets],
            gwp_sets=["SAR", "AR4", "AR5", "AR6"], max_mb=max_upload / 2**20, version=greentex.__version__,
            name=result.name if result else None, stem=Path(result.name).stem if result else None)
        return HTMLResponse(html, status_code=status)

    async def read_upload(file: UploadFile) -> tuple[bytes, str]:
        name = safe_name(file.filename)
        data = await file.read()
        if not data:
            raise GreentexError("no file was uploaded, or it is empty (0 bytes)", file=name,
                                hint="choose an Excel workbook (.xlsx)")
        return data, name

    async def read_previous(file: UploadFile | None) -> tuple[bytes, str] | None:
        """Last year's workbook, when one was chosen."""
        if file is None or not file.filename:
            return None
        return await read_upload(file)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request, lang: str | None = None):
        return page(request, language(request, lang))

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def upload(request: Request, file: UploadFile = File(...), lang: str = Form("en"),
                     form: dict = Depends(option_fields), previous: UploadFile | None = File(None)):
        lang = language(request, lang)
        try:
            data, name = await read_upload(file)
            options = options_from(**form)
            a = await run(assess_upload, data, name, options, previous=await read_previous(previous))
        except GreentexError as exc:
            return page(request, lang, status=400, error=exc.text(lang), form=form)
        token = results.add(a, name, form)
        return page(request, lang, token=token, result=results.get(token), form=form)

    @app.get("/results/{token}", response_class=HTMLResponse, include_in_schema=False)
    async def result_page(request: Request, token: str, lang: str | None = None):
        lang = language(request, lang)
        r = results.get(token)
        if r is None:
            return page(request, lang, status=404, error=labels()[lang]["web_expired"])
        return page(request, lang, token=token, result=r, form=r.form)

    kinds = {"report.xlsx": ("xlsx", "_report.xlsx", XLSX), "report.json": ("json", ".json", "application/json"),
             "rows.csv": ("csv", "_rows.csv", "text/csv; charset=utf-8"),
             "summary.html": ("html", "_report.html", "text/html; charset=utf-8")}

    @app.get("/results/{token}/{what}", include_in_schema=False)
    async def result_file(request: Request, token: str, what: str, lang: str | None = None):
        r = results.get(token)
        if r is None or what not in kinds:
            return JSONResponse({"error": "no such result (results are kept for an hour): upload the workbook again"},
                                status_code=404)
        kind, suffix, media = kinds[what]
        data = await run(output_bytes, r.assessment, kind, language(request, lang))
        return _download(data, Path(r.name).stem + suffix, media)

    @app.get("/template", include_in_schema=False)
    @app.get("/api/template", summary="An empty input workbook to fill",
             responses={200: {"content": {XLSX: {}}, "description": "the template workbook"}})
    async def template(lang: str = "en"):
        """The ready-to-fill input workbook of ``greentex template`` (lang en or zh)."""
        if lang not in ("en", "zh"):
            return JSONResponse({"error": f"unknown language '{lang}' (use en or zh)"}, status_code=400)
        data = await run(template_bytes, lang)
        return _download(data, "greentex_template_zh.xlsx" if lang == "zh" else "greentex_template.xlsx", XLSX)

    async def api_assess(file: UploadFile, fields: dict, json_bytes: bool, previous: UploadFile | None = None):
        data, name = await read_upload(file)
        options = options_from(**fields)
        return await run(assess_upload, data, name, options, json_bytes=json_bytes,
                         previous=await read_previous(previous))

    @app.post("/api/report", summary="Assess a workbook: the report JSON",
              responses={200: {"description": "the JSON document of greentex report --json"},
                         400: {"description": '{"error": "<one line naming the file, sheet and cell>"}'},
                         413: {"description": "larger than the upload limit"}})
    async def api_report(file: UploadFile = File(..., description="the input workbook (.xlsx)"),
                         fields: dict = Depends(option_fields),
                         previous: UploadFile | None = File(None, description="last year's workbook (--previous)")):
        """The same bytes as ``greentex report FILE --json OUT.json`` with the same options
        (``year`` as --year, ``previous`` as --previous), the input named by the uploaded file's name."""
        try:
            _a, data = await api_assess(file, fields, True, previous)
        except GreentexError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return Response(data, media_type="application/json")

    @app.post("/api/check", summary="Benchmark verdicts and the exit status of greentex check",
              responses={400: {"description": '{"error": "<one line>"}'}, 413: {"description": "too large"}})
    async def api_check(file: UploadFile = File(...), fields: dict = Depends(option_fields),
                        previous: UploadFile | None = File(None)):
        """compliant, exit_status (0 compliant, 1 not: as ``greentex check``), failed, and the
        verdict lines of each calendar year (or of the whole period)."""
        try:
            a = await api_assess(file, fields, False, previous)
        except GreentexError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(check_result(a))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):  # a field missing or malformed
        where = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ())[1:])}: {e.get('msg', '')}" for e in exc.errors())
        return JSONResponse({"error": f"bad request: {where}"}, status_code=400)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):  # a bug: one line, the server keeps serving
        return JSONResponse({"error": f"internal error: {type(exc).__name__}: {exc} (please report it)"},
                            status_code=500)

    return LimitUploads(app, max_upload) if max_upload else app
