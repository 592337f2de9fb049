"""Seeded fuzzing of ``greentex report``: mutated workbooks and user data files, each run through
the command line in a process of its own, each outcome checked.

    python -m tests.fuzz --cases 1000 [--seed 0] [--time-limit 60] [--keep FOLDER]

Case ``n`` of seed ``s`` is drawn from ``random.Random(f"{s}:{n}")``, so any case can be made
again alone (``--only n``). A case is a sample workbook (or a small synthetic one) with mutations
of its cells, headers, units, sheets and bytes, and sometimes a user --factors or --benchmarks
file with its own mutations (values, units, encodings). Checked for every case:

- the exit code is 0, 1 or 2, never 3 (a bug), never a crash, never past the time limit;
- exit 2 prints one line and no traceback; nothing prints a warning;
- the input files are unchanged; the outputs are all there (exit 0) or none (exit 2), and no
  temporary file is left;
- in the JSON, each sheet's rows read = used + rejected, and every null figure has an issue that
  explains it.

A finding is kept (--keep) as a folder with the case's files and its args.json; fixed ones go to
tests/data/fuzz/, which tests/test_fuzz.py runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
REGRESSIONS = Path(__file__).resolve().parent / "data" / "fuzz"
BASES = ["jiangsu_woven_dyeing_2024.xlsx", "knit_dyeing_2024.xlsx", "multi_product_2024.xlsx",
         "baseline_mill_2023_2024.xlsx"]

EXCEL_ERRORS = ["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NUM!", "#NAME?", "#NULL!"]
NUMBERS = [1e306, -1e306, 9.9e307, 1e15, 1e-320, -1, -0.0, 0, float("nan"), float("inf"), float("-inf"),
           2**63, 123456789012345678901234567890]
TEXTS = ["1,234.5", "12 345", "１２３", "1e3", "  7 ", "五十", "n/a", "-", "—", "TRUE", "=1/0", "+SUM(A1:A2)",
         "@cmd", "x" * 32767, "电力", "2024年13月", "a\tb\nc", "💧" * 10, "null", "NaN"]
UNITS = ["10**10**10*kWh", "nan*kWh", "-1*kWh", "0*kWh", "inf*kWh", "kWh**kWh", "万万万万万kWh", "", "吨标煤",
         "kg/m^3^3", "1e308*kWh", "(kWh", "kWh)", "%", "m3/s", "degC", "10^4 kWh", "万kWh" * 20, "kWh/kWh",
         "t", "GJ", "MWh", "万m³", "m³", "吨", "kg", "千克", "hm", "万米", "nonsense_unit", "10**-400*kWh",
         "1/0*kWh", "kWh" * 30, "m**99", "²³"]
PERIODS = ["2024-13", "2024/02/30", 202401, dt.datetime(2024, 3, 1), "13月", "", "Q1", 45000, "2024-01-01T00:00",
           "一月", "2099-01", "1899-12", -5, "2024-1", "2024年2月"]
WORDS = ["peroid", "Electricty", "月份", "项目", "数量", "单位", "quantity", "unit", "item", "period", "电 力",
         "Natural gas", "天然气", "Sheet1", "Energy", "能源", "Water", "用水", "Production", "产量", "Site", "基本信息"]
FACTOR_VALUES = ["nan", "inf", "1e308", "-0.5978", "0", "abc", "", "0.5", "1e-300", "５", "0,5", "1e9", "1e10"]
ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "latin-1", "garbage"]


# -- the generator -------------------------------------------------------------------------------

def _synthetic(rng: random.Random):
    """A small English wide/long workbook (openpyxl), 1 to 14 months."""
    from openpyxl import Workbook

    months = [f"{2024 + (m // 12)}-{m % 12 + 1:02d}" for m in range(rng.randint(1, 14))]
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {
        "Site": [["key", "value"], ["name", "Fuzz mill"], ["year", 2024], ["grid", rng.choice(["east", "national", "jiangsu"])],
                 ["province", rng.choice(["Jiangsu", "浙江", ""])]],
        "Energy": [["period", "Electricity [万kWh]", "Natural gas [万m³]", "Steam [t]"]]
        + [[m, rng.uniform(50, 200), rng.uniform(5, 30), rng.uniform(1000, 9000)] for m in months],
        "Water": [["period", "item", "quantity", "unit"]]
        + [r for m in months for r in ([m, "tap_water", rng.uniform(1e4, 6e4), "m3"],
                                        [m, "reused_water", rng.uniform(0, 3e4), "m3"])],
        "Production": [["period", "Woven fabric [万米]"]] + [[m, rng.uniform(100, 500)] for m in months],
        "Chemicals": [["period", "item", "quantity", "unit"]] + [[m, "纯碱", rng.uniform(100, 4000), "kg"] for m in months],
    }
    for name, rows in sheets.items():
        if rng.random() < 0.9 or name == "Energy":
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append(row)
    return wb


def _cells(ws, rng, want_header: bool):
    """A random cell of the sheet's used range: in the header row, or in the body."""
    rows, cols = max(ws.max_row, 1), max(ws.max_column, 1)
    row = 1 if want_header or rows == 1 else rng.randint(2, rows)
    return ws.cell(row=row, column=rng.randint(1, cols))


def _mutate_cell(ws, rng, kind):
    c = _cells(ws, rng, want_header=kind in ("bad_unit", "header"))
    if kind == "bool":
        c.value = rng.choice([True, False])
    elif kind == "excel_error":
        c.value = rng.choice(EXCEL_ERRORS)
    elif kind == "number":
        c.value = rng.choice(NUMBERS)
    elif kind == "text":
        c.value = rng.choice(TEXTS)
    elif kind == "period":
        ws.cell(row=c.row if c.row > 1 else 2, column=1).value = rng.choice(PERIODS)
    elif kind == "clear":
        c.value = None
    elif kind == "bad_unit":
        unit = rng.choice(UNITS)
        text = str(c.value or "")
        if "[" in text:
            c.value = text[:text.index("[")] + f"[{unit}]"
        else:  # a long sheet's unit column, or a header without a unit
            ucol = next((k for k in range(1, ws.max_column + 1)
                         if str(ws.cell(row=1, column=k).value or "").lower() in ("unit", "单位")), None)
            if ucol and ws.max_row > 1:
                ws.cell(row=rng.randint(2, ws.max_row), column=ucol).value = unit
            else:
                c.value = f"{text} [{unit}]"
    elif kind == "header":
        text = str(c.value or "")
        choice = rng.random()
        if choice < 0.3 and len(text) > 2:  # misspelt: two letters swapped
            k = rng.randrange(len(text) - 1)
            c.value = text[:k] + text[k + 1] + text[k] + text[k + 2:]
        elif choice < 0.6:  # duplicated: the next header takes this one's text
            ws.cell(row=1, column=min(c.column + 1, 16384)).value = c.value
        else:
            c.value = rng.choice(WORDS)


def _mutate_sheet(wb, ws, rng, kind):
    if kind == "far_cell":
        ws.cell(row=rng.choice([300, 5000, 65536, 1048576]), column=rng.choice([3, 30, 1000, 16384])).value = \
            rng.choice([1, "x", 0.5])
    elif kind == "hidden":
        if len([s for s in wb.worksheets if s.sheet_state == "visible"]) > 1:
            ws.sheet_state = rng.choice(["hidden", "veryHidden"])
    elif kind == "rows":
        if ws.max_row > 2:
            r = rng.randint(2, ws.max_row)
            if rng.random() < 0.5:
                ws.delete_rows(r)
            else:
                ws.append([c.value for c in ws[r]])
    elif kind == "rename":
        ws.title = rng.choice(WORDS + ["Energy ", "ENERGY", "能源消耗", "x" * 31])[:31] + ("" if rng.random() < .7 else "2")
    elif kind == "remove" and len(wb.worksheets) > 1:
        wb.remove(ws)
    elif kind == "extra":
        extra = wb.create_sheet(rng.choice(["Notes", "说明", "Energy2", "Factors", "因子", "Names"]))
        for _ in range(rng.randint(0, 5)):
            extra.append([rng.choice(TEXTS[:12] + [1, 2.5, None]) for _ in range(rng.randint(1, 6))])
    elif kind == "merge" and ws.max_row > 1 and ws.max_column > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=min(ws.max_row, 3), end_column=2)


CELL_KINDS = ["bool", "excel_error", "number", "text", "period", "clear", "bad_unit", "header"]
SHEET_KINDS = ["far_cell", "hidden", "rows", "rename", "remove", "extra", "merge"]
BYTE_KINDS = ["truncate", "random_bytes", "flip_bytes", "empty_file", "csv_content", "no_workbook_member"]


def _mutate_bytes(data: bytes, rng, kind) -> bytes:
    if kind == "truncate":
        return data[:rng.randrange(max(len(data), 1))]
    if kind == "random_bytes":
        return rng.randbytes(rng.choice([1, 100, 5000]))
    if kind == "flip_bytes":
        b = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == "empty_file":
        return b""
    if kind == "csv_content":
        return "period,item,quantity,unit\n2024-01,电力,100,kWh\n".encode(rng.choice(["utf-8", "gbk"]))
    out = io.BytesIO()  # no_workbook_member: a zip without xl/workbook.xml
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            if item.filename != "xl/workbook.xml":
                zout.writestr(item, zin.read(item))
    return out.getvalue()


def _encode(text: str, rng, encoding: str) -> bytes:
    if encoding == "garbage":
        return text.encode("utf-8")[: rng.randint(0, 40)] + rng.randbytes(30)
    return text.encode(encoding, errors="replace")


def _data_file(rng, folder: Path, kinds: list) -> list[str]:
    """A user --factors or --benchmarks file, mutated; the CLI args that pass it."""
    encoding = rng.choice(ENCODINGS)
    if rng.random() < 0.5:
        name, option = "cn_grid_electricity.csv", "--factors"
        value, unit = rng.choice(FACTOR_VALUES), rng.choice(["tCO2/MWh", "kgCO2/kWh", "kg/kWh", "", "t", "nan*kg/kWh"])
        text = ("grid,year,label_zh,value,unit,source,reference,status,note\n"
                f"national,{rng.choice([2022, 2023, 'x', ''])},全国电网（用户）,{value},{unit},supplier,letter,user,\n")
    else:
        name, option = "targets.csv", "--benchmarks"
        text = (SAMPLES / "mill_internal_targets_2025.csv").read_text(encoding="utf-8")
        lines = text.splitlines()
        k = rng.randrange(1, len(lines))
        cells = lines[k].split(",")
        j = rng.randrange(len(cells))
        cells[j] = rng.choice(FACTOR_VALUES + UNITS[:8] + ["at_least", "between", "woven_fabric", "电力"])
        lines[k] = ",".join(cells)
        if rng.random() < 0.2:
            lines[0] = lines[0].replace("value", rng.choice(["value,value", "valeu", "数值"]), 1)
        text = "\n".join(lines) + "\n"
    kinds.append(f"{option[2:]}:{encoding}")
    (folder / name).write_bytes(_encode(text, rng, encoding))
    return [option, name]


def make_case(seed, n: int, folder: Path) -> tuple[list[str], list[str]]:
    """Write case ``n`` into ``folder``: returns (the report command's args, the mutations)."""
    from openpyxl import load_workbook

    rng = random.Random(f"{seed}:{n}")
    kinds: list[str] = []
    if rng.random() < 0.7:
        base = rng.choice(BASES)
        wb = load_workbook(SAMPLES / base)
        kinds.append(base.split("_")[0])
    else:
        wb = _synthetic(rng)
        kinds.append("synthetic")
    for _ in range(rng.choice([1, 1, 2, 3, 5])):
        ws = rng.choice(wb.worksheets)
        cell = rng.random() < 0.75
        kind = rng.choice(CELL_KINDS if cell else SHEET_KINDS)
        try:
            with warnings.catch_warnings():  # openpyxl's about a sheet title over 31 characters: the case
                warnings.simplefilter("ignore")
                (_mutate_cell(ws, rng, kind) if cell else _mutate_sheet(wb, ws, rng, kind))
        except (AttributeError, ValueError):  # a merged cell, a character openpyxl refuses: not this one
            kind += "(skipped)"
        kinds.append(kind)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb.save(buffer)
    data = buffer.getvalue()
    if rng.random() < 0.1:
        kind = rng.choice(BYTE_KINDS)
        data = _mutate_bytes(data, rng, kind)
        kinds.append(kind)
    (folder / "mill.xlsx").write_bytes(data)
    args = ["report", "mill.xlsx", "-o", "out.xlsx", "--json", "out.json"]
    if rng.random() < 0.2:
        args += _data_file(rng, folder, kinds)
    if rng.random() < 0.2:
        args += ["--lang", "zh"]
    if rng.random() < 0.1:
        args += ["--year", str(rng.choice([2023, 2024, 2025]))]
    return args, kinds


# -- running and checking ------------------------------------------------------------------------

def _digest(folder: Path, names) -> dict:
    return {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in names if (folder / n).is_file()}


def _invoke(folder: Path, args: list[str]) -> dict:
    """Run the command in ``folder`` (this process); exit code, stdout, stderr."""
    from click.testing import CliRunner

    from greentex.cli import cli

    here = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, args)
    finally:
        os.chdir(here)
    exc = result.exception if not isinstance(result.exception, SystemExit) else None
    return {"exit": result.exit_code, "stdout": result.stdout, "stderr": result.stderr,
            "exception": f"{type(exc).__name__}: {exc}" if exc else None}


def _preload() -> None:
    """Import what a report run needs once, before the cases are forked."""
    import greentex.assessment  # noqa: F401
    import greentex.cli  # noqa: F401
    import greentex.io.html  # noqa: F401
    import greentex.io.lineage  # noqa: F401
    import greentex.io.report  # noqa: F401
    import greentex.io.workbook  # noqa: F401


def _in_child(folder: Path, args: list[str], limit: float) -> dict:
    """_invoke in a forked process of its own: a crash or a hang is an outcome, not the end of the
    run."""
    import multiprocessing as mp

    _preload()
    if not sys.platform.startswith("linux"):
        return _invoke(folder, args)
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def work():
        __import__("faulthandler").disable()
        try:
            send.send(_invoke(folder, args))
        finally:
            send.close()

    proc = ctx.Process(target=work, daemon=True)
    proc.start()
    send.close()
    try:
        if recv.poll(limit):
            try:
                return recv.recv()
            except EOFError:
                pass
        else:
            proc.kill()
            return {"exit": None, "hang": True, "stdout": "", "stderr": ""}
    finally:
        proc.join(5)
        recv.close()
    return {"exit": None, "crash": proc.exitcode, "stdout": "", "stderr": ""}


def _null_explained(row: dict, issues: list[dict], values: dict) -> bool:
    """A null figure is explained by an issue that names its item or product, says what was not
    computed, or that a row or sheet could not be used; a null change in percent (同比, 环比) by
    its base being 0 or null, or the figure itself being null and explained (``values``:
    (metric, item, period) -> value of the JSON's metrics)."""
    item, metric, period = str(row.get("item", "")), str(row.get("metric", "")), row.get("period")
    for suffix, back in (("_last_year", 12), ("_last_month", 1)):  # the figure of the period before
        if metric.endswith(suffix) and period and len(period) == 7:
            y, m = divmod(int(period[:4]) * 12 + int(period[5:]) - 1 - back, 12)
            before = f"{y:04d}-{m + 1:02d}"
            stem = metric[: -len(suffix)]
            if values.get((stem, item, before), 0) is None:
                return _null_explained({**row, "metric": stem, "period": before}, issues, values)
    for suffix, base in (("_yoy_pct", "_last_year"), ("_mom_pct", "_last_month")):
        if metric.endswith(suffix):
            stem = metric[: -len(suffix)]
            if values.get((stem + base, item, period)) in (0, 0.0, None):
                return True
            if values.get((stem, item, period)) is None:
                return _null_explained({**row, "metric": stem}, issues, values)
    for i in issues:
        text = i["message"].lower()
        if period and i["severity"] != "note" and (period == i["cell"] or f"for {period}" in text):
            return True  # no chemicals data for 2024-04, a cell empty for 2024-07: that month's figures
        if i["severity"] == "error" or "not computed" in text or (item and item.lower() in text):
            return True
        if "intensit" in metric and ("production" in text or "intensit" in text):
            return True
    return False


def check(folder: Path, args: list[str], outcome: dict, inputs_before: dict) -> list[str]:
    """The findings of one case (empty when all is well)."""
    found = []
    code = outcome.get("exit")
    if outcome.get("hang"):
        return ["hang: past the time limit"]
    if code is None:
        return [f"crash: the process died (exit code {outcome.get('crash')})"]
    err = outcome["stderr"]
    if code not in (0, 1, 2):
        found.append(f"exit {code}: {(err or outcome.get('exception') or '').strip()[:300]}")
    if "Traceback" in err or "Traceback" in outcome["stdout"]:
        found.append("a traceback was printed")
    if "Warning" in err:
        found.append(f"a warning on stderr: {err.strip()[:200]}")
    if code == 2 and len(err.strip().splitlines()) != 1:
        found.append(f"exit 2 without one line on stderr: {err.strip()[:200]!r}")
    if _digest(folder, inputs_before) != inputs_before:
        found.append("an input file was changed")
    left = [p.name for p in folder.iterdir() if p.name.startswith(".greentex-tmp-") or p.suffix == ".tmp"]
    if left:
        found.append(f"temporary files left: {left}")
    outs = [(folder / n).is_file() for n in ("out.xlsx", "out.json")]
    if code == 0 and not all(outs):
        found.append("exit 0 without every output")
    if code == 2 and any(outs):
        found.append("exit 2 but outputs were written")
    if code == 0 and all(outs):
        found += check_json(json.loads((folder / "out.json").read_text(encoding="utf-8")))
    return found


def check_json(doc: dict) -> list[str]:
    """Rows read = used + rejected for each sheet; every null figure explained by an issue."""
    found = []
    for sheet, c in (doc.get("rows") or {}).items():
        if c["read"] != c["used"] + c["rejected"]:
            found.append(f"sheet {sheet}: {c['read']} rows read, {c['used']} used + {c['rejected']} rejected")
    nulls = [m for m in doc["metrics"] if m["value"] is None]
    values = {(m["metric"], m["item"], m["period"]): m["value"] for m in doc["metrics"]}
    unexplained = [m for m in nulls if not _null_explained(m, doc["issues"], values)]
    if unexplained:
        m = unexplained[0]
        found.append(f"{len(unexplained)} null figures without an issue, e.g. {m['metric']} {m['item']} {m['period']}")
    return found


def _child_cpu() -> float:
    try:
        import resource
    except ImportError:
        return 0.0
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_case(folder: Path, args: list[str], limit: float = 60.0) -> tuple[list[str], dict, float]:
    """Run one prepared case folder; (findings, outcome, seconds). The outcome's ``cpu`` is the
    CPU seconds of the case's process (Linux)."""
    inputs = _digest(folder, [p.name for p in folder.iterdir() if p.is_file() and p.suffix != ".json"])
    start, cpu = time.monotonic(), _child_cpu()
    outcome = _in_child(folder, args, limit)
    seconds = time.monotonic() - start
    outcome["cpu"] = _child_cpu() - cpu
    return check(folder, args, outcome, inputs), outcome, seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--seed", default="0")
    parser.add_argument("--start", type=int, default=0, help="first case number")
    parser.add_argument("--only", type=int, default=None, help="run this case number only")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per case")
    parser.add_argument("--keep", type=Path, default=None, help="copy each finding's case folder here")
    opts = parser.parse_args(argv)
    numbers = [opts.only] if opts.only is not None else range(opts.start, opts.start + opts.cases)
    codes, findings, slowest, start = {}, 0, (0.0, None), time.monotonic()
    for n in numbers:
        with tempfile.TemporaryDirectory(prefix="greentex-fuzz-") as tmp:
            folder = Path(tmp)
            args, kinds = make_case(opts.seed, n, folder)
            found, outcome, seconds = run_case(folder, args, opts.time_limit)
            key = "hang" if outcome.get("hang") else "crash" if outcome.get("exit") is None else outcome["exit"]
            codes[key] = codes.get(key, 0) + 1
            slowest = max(slowest, (seconds, n), key=lambda t: t[0])
            if found:
                findings += 1
                print(f"case {n} ({', '.join(kinds)}): " + "; ".join(found), flush=True)
                if opts.keep:
                    keep = opts.keep / f"case_{opts.seed}_{n}"
                    shutil.rmtree(keep, ignore_errors=True)
                    shutil.copytree(folder, keep, ignore=shutil.ignore_patterns("out.*"))
                    (keep / "args.json").write_text(json.dumps(args), encoding="utf-8")
    total = time.monotonic() - start
    print(f"{len(numbers)} cases in {total:.0f} s ({total / max(len(numbers), 1):.2f} s each, slowest "
          f"{slowest[0]:.1f} s: case {slowest[1]}); exit codes: "
          + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items(), key=str)) + f"; cases with findings: {findings}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
