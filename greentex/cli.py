"""The greentex command line: a thin click layer over the Python API.

Exit codes: 0 done; 1 not compliant (``check``); 2 bad usage or bad input (one line naming
file, sheet and cell); 3 internal error (a bug: please report it).
Heavy modules (pandas, pint, openpyxl) are imported inside the commands, so ``--help`` is quick.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

import click

from greentex import __version__

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Progress:
    """Stage messages on stderr, shown only on a terminal and only once work takes a moment."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.start = time.monotonic()
        self.shown = False

    def stage(self, text: str) -> None:
        if self.enabled and (self.shown or time.monotonic() - self.start > 0.3):
            click.echo(f"\r\033[K{text}…", err=True, nl=False)
            self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("\r\033[K", err=True, nl=False)


def handle_errors(fn):
    """Turn GreentexError or a fault of the user's environment (a file or folder that cannot be
    read or written, memory) into one line on stderr and exit 2; Ctrl-C into exit 130; a closed
    stdout into a quiet exit with the command's code; any other error into exit 3."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from greentex.errors import GreentexError

        try:
            return fn(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except GreentexError as exc:
            _fail(exc.text(kwargs.get("lang") or "en"), 2)
        except BrokenPipeError:  # the reader of stdout went away (| head): the outputs are written
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so that Python's own flush at exit stays quiet
            sys.exit(click.get_current_context().meta.get("greentex.exit", 0))
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except MemoryError:
            _fail("not enough memory for this input (split it, or close other programs)", 2)
        except OSError as exc:  # a path the system refuses: the user's environment, not a bug
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc} (check the path and its permissions)", 2)
        except Exception as exc:  # a bug: say so in one line, keep the details on request
            if os.environ.get("GREENTEX_DEBUG"):
                raise
            from greentex.errors import clip

            _fail(f"internal error: {type(exc).__name__}: {clip(exc, 300)} (please report it; "
                  "set GREENTEX_DEBUG=1 to see details)", 3)

    return wrapper


def _will_exit(code: int) -> int:
    """Record the exit code the command will end with, so that handle_errors keeps it when stdout
    closes before the command has printed everything (| head)."""
    click.get_current_context().meta["greentex.exit"] = code
    return code


def _fail(message: str, code: int) -> None:
    """Print ``greentex: error: message`` (one line, cut to a readable length) and exit."""
    from greentex.errors import clip_quotes

    text = clip_quotes(message)
    try:
        click.echo(f"greentex: {'' if text.startswith('internal error') else 'error: '}{text}", err=True)
    except OSError:  # stderr gone too
        pass
    sys.exit(code)


def _wrote(*paths, lang: str = "en") -> str:
    """'wrote a', 'wrote a and b', 'wrote a, b and c' (已写出 a、b、c) for the paths given (empty
    ones left out)."""
    written = [str(p) for p in paths if p]
    if lang == "zh":
        return "已写出 " + "、".join(written)
    return "wrote " + " and ".join([", ".join(written[:-1]), written[-1]] if len(written) > 1 else written)


def _show_dataset(ds, columns: list[str], keys=("publisher", "edition", "licence", "origin")) -> None:
    """A dataset's title, its catalogue notes and its rows."""
    click.echo(f"{ds.id}: {ds.meta.get('title', '')}")
    for key in keys:
        if ds.meta.get(key):
            click.echo(f"  {key}: {ds.meta[key]}")
    click.echo(ds.frame[columns].to_string(index=False))


def assessment_options(fn):
    """Options shared by every command that assesses a workbook; the command receives them as
    one ``options`` (greentex.assessment.Options) besides ``factor_paths`` (which carries the
    --names files too: the factor library reads both)."""
    decorators = [
        click.option("--factors", "factor_paths", multiple=True, type=click.Path(exists=True),
                     help="Your own factor dataset (CSV file or folder, same schema as factors/); "
                          "repeatable. Your rows win over bundled ones with the same keys."),
        click.option("--names", "names_paths", multiple=True, type=click.Path(exists=True, dir_okay=False),
                     help="Your own names: a CSV with columns label, item (the label as your ledgers write "
                          "it, then the item or product); repeatable. A workbook's Names sheet (名称对照) wins."),
        click.option("--gwp", type=click.Choice(["SAR", "AR4", "AR5", "AR6"]), default="AR5", show_default=True,
                     help="Global-warming-potential set (100-year) for CH4."),
        click.option("--electricity-method", type=click.Choice(["calorific", "primary"]), default="calorific",
                     show_default=True,
                     help="Electricity to standard coal by calorific equivalent (当量值, 0.1229 kgce/kWh) "
                          "or by primary-energy equivalent (等价值, needs --primary-coefficient or a Factors row)."),
        click.option("--primary-coefficient", type=float, default=None,
                     help="Primary-energy coefficient of electricity for the year [kgce/kWh]."),
        click.option("--benchmarks", "benchmark_sets", multiple=True,
                     help="Benchmark set id (greentex benchmarks list) or your own CSV; repeatable "
                          "(default: the sets for the site's country, and indicative international ones)."),
        click.option("--grid", default=None,
                     help="Grid factor: national, east, jiangsu, carbon_market ... optionally :YEAR "
                          "(default: the Site sheet's grid, else the site's province, its regional grid, "
                          "else national; data year = report year - 2)."),
        click.option("--combustion-defaults", type=click.Choice(["cn", "ipcc"]), default=None,
                     help="Default NCV, carbon content and oxidation of fuels: cn (Chinese guideline table) "
                          "or ipcc (IPCC 2006) (default: cn for a Chinese site, else ipcc)."),
    ]

    @functools.wraps(fn)
    def with_options(*args, names_paths, gwp, electricity_method, primary_coefficient, grid, benchmark_sets,
                     combustion_defaults,
                     **kwargs):
        from greentex.options import Options

        for p in names_paths:
            # a names file is read by the factor library, with the user's datasets (greentex.factors)
            from greentex.factors import is_names_file

            if not is_names_file(Path(p)):
                raise click.BadParameter(f"{p}: a names file is a CSV with the columns label, item",
                                         param_hint="--names")
        kwargs["factor_paths"] = tuple(kwargs.get("factor_paths") or ()) + tuple(names_paths)
        kwargs["options"] = Options(gwp=gwp, electricity_method=electricity_method, grid=grid,
                                    primary_coefficient=primary_coefficient, benchmarks=tuple(benchmark_sets),
                                    combustion_defaults=combustion_defaults)
        return fn(*args, **kwargs)

    for d in reversed(decorators):
        with_options = d(with_options)
    return with_options


def period_options(fn):
    """--year and --previous, for the commands that report on one workbook."""
    for d in reversed([
        click.option("--year", type=click.IntRange(1900, 2200), default=None,
                     help="Report this calendar year only (the workbook's other months still give the "
                          "comparisons with last year)."),
        click.option("--previous", "previous_path", type=click.Path(dir_okay=False, exists=True), default=None,
                     help="Last year's workbook, for the comparisons with last year (同比); its months are "
                          "not reported."),
    ]):
        fn = d(fn)

    @functools.wraps(fn)
    def with_period(*args, year, options, **kwargs):
        options.year = year
        return fn(*args, options=options, **kwargs)

    return with_period


def output_options(what: str, suffix: str, json_content: str):
    """-o / --json / --lang, shared by the commands that write a report beside the input."""
    def decorate(fn):
        for d in reversed([
            click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
                         help=f"{what} workbook to write [default: PATH's name + {suffix}, beside it]."),
            click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
                         help=f"Also write {json_content} as JSON."),
            click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
                         help="Language of the report."),
        ]):
            fn = d(fn)
        return fn
    return decorate


def _output_paths(path, output, json_path, suffix, *more, inputs=()):
    """(report path, JSON path) with the report beside the input by default, checked before any
    work with the ``more`` outputs: each can be written, none is another, none is the workbook
    or one of the other ``inputs`` ((path, what) pairs)."""
    from greentex.io.atomic import check_outputs

    src = Path(path)
    out = Path(output) if output else src.with_name(src.stem + suffix)
    check_outputs([out, json_path, *more], [(src, "workbook"), *inputs])
    return out, json_path


def _assess(path, factor_paths, options, progress, previous_path=None):
    from greentex.io.outputs import assess_file

    return assess_file(path, options=options, factor_paths=factor_paths, progress=progress,
                       previous_path=previous_path)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="greentex")
def cli():
    """Energy, GHG, water and chemical metrics of textile mills, from their Excel workbooks,
    with every factor cited."""
    if not os.environ.get("GREENTEX_DEBUG"):  # what the user should know is an issue, not a warning
        import warnings

        warnings.simplefilter("ignore")


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of sheet names and headers.")
@handle_errors
def template(path, lang):
    """Write a ready-to-fill input workbook to PATH."""
    from greentex.io.template import write_template

    write_template(path, lang=lang)
    click.echo(_wrote(path))


def _summary_lines(a, w) -> list[str]:
    """The headline figures of each calendar year (of the whole input when it covers one year),
    with the change against the same months of last year where the input holds them, in the
    words of ``w`` (display.Words)."""
    from greentex.display import unit_text
    from greentex.periods import headline_periods, is_year

    m = a.metrics
    years = sorted(p for p in m["period"].unique() if is_year(p))
    lines = []
    for period in headline_periods(m["period"].unique()):
        def fmt(metric, item="total"):
            v = a.value(metric, item, period)
            if v != v:
                return w["not_computed"]
            yoy = a.value(metric + "_yoy_pct", item, period if period != "total" else "".join(years[:1]))
            return f"{v:,.2f} {unit_text(a.unit(metric, item), w.lang)}" + ("" if yoy != yoy else w["cli_yoy"].format(pct=yoy))

        if period != "total":
            lines.append(f"{period}:")
        pad = "  " if period != "total" else ""
        lines += [f"{pad}{w['cli_energy']} {fmt('energy')}", f"{pad}{w['cli_ghg_location']} {fmt('ghg', 'total_location')}",
                  f"{pad}{w['cli_ghg_market']} {fmt('ghg', 'total_market')}"]
        for product in sorted(set(m.loc[(m.metric == "energy_intensity") & (m.period == period), "item"])):
            lines.append(pad + w["cli_product"].format(product=product if w.lang == "en" else w.short(product),
                                                       energy=fmt("energy_intensity", product),
                                                       ghg=fmt("ghg_intensity", product)))
        if a.figure("water_reuse_rate", "total", period) is not None:
            lines.append(f"{pad}{w['cli_reuse']} {fmt('water_reuse_rate')}")
    return lines


def _closing_lines(a, w) -> list[str]:
    """The verdict counts and issue counts under the report's headline figures."""
    lines = []
    if len(a.benchmarks):
        from greentex.benchmarks import headline

        counts = headline(a.benchmarks)["verdict"].value_counts().sort_index().items()
        lines.append(w["cli_benchmarks"].format(list=w["cli_list_sep"].join(
            w["cli_count"].format(n=n, what=v if w.lang == "en" else w.verdict(v)) for v, n in counts)))
    counts = {s: sum(1 for i in a.issues if i.severity == s) for s in ("error", "warning", "note")}
    if any(counts.values()):
        lines.append(w["cli_issues"].format(list=w["cli_list_sep"].join(
            w["cli_count"].format(n=n, what=(f"{s}{'s' if n != 1 else ''}" if w.lang == "en" else w.severity(s)))
            for s, n in counts.items() if n)))
    return lines


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@output_options("Report", "_report.xlsx", "the same content")
@click.option("--rows", "rows_path", type=click.Path(dir_okay=False), default=None,
              help="Also write every input row read (cell, conversion, energy coefficient and tce; "
                   "rejected rows with their reason) as CSV (.csv, or .csv.gz compressed).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the summary as one self-contained HTML page (charts inline, prints on A4).")
@assessment_options
@period_options
@handle_errors
def report(path, output, json_path, lang, rows_path, html_path, factor_paths, options, previous_path):
    """Assess the workbook PATH and write the report workbook (and JSON, rows, HTML)."""
    from greentex.io.outputs import run_report

    out, json_path = _output_paths(path, output, json_path, "_report.xlsx", rows_path, html_path)
    progress = Progress()
    a = run_report(path, report=out, json=json_path, rows=rows_path, html=html_path, lang=lang, options=options,
                   factor_paths=factor_paths, progress=progress, previous_path=previous_path)
    progress.done()
    from greentex.display import Words

    w = Words(lang)
    for line in _summary_lines(a, w) + _closing_lines(a, w):
        click.echo(line)
    click.echo(_wrote(out, json_path, rows_path, html_path, lang=lang))


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Footprints JSON to write [default: PATH's name + _pact.json, beside it].")
@click.option("--update-from", "previous_path", type=click.Path(dir_okay=False), default=None,
              metavar="PREVIOUS.json",
              help="The footprints JSON exported before: unchanged ones keep their version, changed ones "
                   "get version + 1 (PACT lifecycle). May be the same file as -o.")
@assessment_options
@handle_errors
def pact(path, output, previous_path, factor_paths, options):
    """Write each product's gate-to-gate carbon footprint per kg and year as PACT ProductFootprints
    (WBCSD PACT Technical Specifications 2.3.3)."""
    from greentex import pact as pact_api

    src = Path(path)
    out = Path(output) if output else src.with_name(src.stem + "_pact.json")
    from greentex.io.atomic import check_outputs

    check_outputs([out], [(src, "workbook")])
    previous = pact_api.read_previous(previous_path) if previous_path else None
    progress = Progress()
    a = _assess(path, factor_paths, options, progress)
    items = pact_api.footprints(a, previous=previous)
    pact_api.write_footprints(items, out)
    progress.done()
    for pf in items:
        c = pf["pcf"]
        click.echo(f"{pf['productNameCompany']} {c['referencePeriodStart'][:4]}: "
                   f"{float(c['pCfExcludingBiogenic']):.4g} kgCO2e/kg (version {pf['version']}, {pf['status']})")
    click.echo(_wrote(out))


LANG_OPTION = click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
                           help="Language of what is printed: English or Chinese.")


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@LANG_OPTION
@assessment_options
@period_options
@handle_errors
def validate(path, lang, factor_paths, options, previous_path):
    """Check the workbook PATH and list the rows read and the issues found; writes nothing."""
    from greentex.display import Words

    w = Words(lang)
    progress = Progress()
    a = _assess(path, factor_paths, options, progress, previous_path)
    progress.done()
    inv = a.inventory
    for sheet, c in inv.counts.items():
        click.echo(w["cli_counts"].format(sheet=w.t.get(f"sheet_{sheet}", sheet), **c))
    for issue in a.issues:
        where = " ".join(filter(None, (issue.sheet, issue.cell)))
        click.echo(f"{w.severity(issue.severity)}: {where + ': ' if where else ''}{issue.text(lang, w.names)}")
    click.echo(w["cli_ok"] if not any(i.severity == "error" for i in a.issues) else w["cli_ok_errors"])


def _fmt(v, digits=2) -> str:
    return "" if v != v else f"{v:,.{digits}f}"


def verdict_table(b, w=None, months=()) -> list[str]:
    """Aligned text lines of verdict rows; with Chinese Words ``w``, in Chinese (names, not ids)."""
    from greentex.display import unit_text

    if w is not None and w.lang == "zh":
        head = w["cli_verdict_head"].split("|")
        rows = [[w.benchmark(r.benchmark), w.metric(r.metric), w.short(r.item), w.period(r.period, months), _fmt(r.value),
                 _fmt(r.limit), unit_text(r.unit, "zh"), w.verdict(r.verdict), _fmt(r.margin_pct, 1),
                 w.status(r.status) + (w["cli_check_mark"] if r.check else ""),
                 w.reason(r.note) if r.verdict in ("not assessed", "not applicable") else ""]
                for r in b.itertuples()]
    else:
        head = ["benchmark", "metric", "item", "period", "value", "limit", "unit", "verdict", "margin %", "status",
                "why"]
        rows = [[r.benchmark, r.metric, r.item, r.period, _fmt(r.value), _fmt(r.limit), r.unit, r.verdict,
                 _fmt(r.margin_pct, 1), r.status + (" (check)" if r.check else ""),
                 r.note if r.verdict in ("not assessed", "not applicable") else ""] for r in b.itertuples()]
    return aligned(head, rows)


def aligned(head: list, rows: list[list]) -> list[str]:
    """Text lines of a table, columns padded to their display width (CJK characters count twice)."""
    from greentex.display import text_width

    widths = [max(text_width(str(x)) for x in col) for col in zip(head, *rows)]
    return ["  ".join(str(x) + " " * (n - text_width(str(x))) for x, n in zip(line, widths)).rstrip()
            for line in [head] + rows]


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--monthly", is_flag=True, help="Judge every month too, not only the whole period.")
@click.option("--targets", "with_targets", is_flag=True,
              help="Also judge the year's targets (Targets sheet): exit 1 when one is exceeded, missed or "
                   "forecast to be (at risk).")
@LANG_OPTION
@assessment_options
@period_options
@handle_errors
def check(path, monthly, with_targets, lang, factor_paths, options, previous_path):
    """Print the verdict of every benchmark line; exit 0 if all assessed lines pass, 1 if any fails."""
    from greentex.benchmarks import failed, headline
    from greentex.periods import month_mask
    from greentex.targets import failing

    from greentex.display import Words

    w = Words(lang)
    progress = Progress()
    a = _assess(path, factor_paths, options, progress, previous_path)
    progress.done()
    w.messages = {i.message: i.text(lang, w.names) for i in a.issues}
    b = a.benchmarks
    bad = failed(b, monthly=monthly)
    late = len(failing(a.targets)) if with_targets and len(a.targets) else 0
    code = _will_exit(1 if len(bad) or late else 0)
    shown = b if monthly else headline(b)
    if shown.empty:
        click.echo(w["cli_no_lines"])
    from greentex.io.report import months_of

    for line in verdict_table(shown, w, months_of(a)):
        click.echo(line)
    if not monthly:
        months = failed(b, monthly=True)
        months = months[month_mask(months["period"])]
        if len(months):
            click.echo(w["cli_monthly_fail"].format(n=len(months)))
    if (b["check"] != "").any():
        click.echo(w["cli_check_note"])
    click.echo(w["cli_not_compliant"] if len(bad) else w["cli_compliant"])
    if with_targets:
        _check_targets(a, w, late)
    sys.exit(code)


def _check_targets(a, w, n: int) -> None:
    """Print the targets table and its closing line (``n``: the number of targets failing)."""
    from greentex.io.monthly import target_lines

    if not len(a.targets):
        click.echo(w["cli_no_targets"])
        return
    for line in aligned(*target_lines(a, w)):
        click.echo(line)
    click.echo(w["cli_targets_fail"].format(n=n) if n else w["cli_targets_ok"])


@cli.command()
@click.argument("action", type=click.Choice(["list", "show"]), default="list")
@click.argument("set_id", required=False)
@handle_errors
def benchmarks(action, set_id):
    """List the benchmark sets, or show the lines of one."""
    from greentex.factors import load_library

    lib = load_library()
    if action == "list":
        for i in lib.ids("benchmark"):
            m = lib.datasets[i].meta
            click.echo(f"{i} [{m.get('country', '')}]: {m.get('title', '')}")
        return
    if not set_id:
        raise click.UsageError("show needs a set id, e.g. greentex benchmarks show cn_dyeing_norms_2017")
    _show_dataset(lib.dataset(set_id), ["metric", "item", "applicability", "condition", "level", "comparison",
                                        "value", "unit", "status"], keys=("publisher", "edition", "licence"))


@cli.command()
@click.argument("action", type=click.Choice(["list", "show"]), default="list")
@click.argument("dataset", required=False)
@click.option("--factors", "factor_paths", multiple=True, type=click.Path(exists=True),
              help="Your own factor dataset (CSV file or folder); repeatable.")
@handle_errors
def factors(action, dataset, factor_paths):
    """List the factor datasets, or show one (ID, or 'items' for the names greentex knows)."""
    from greentex.factors import load_library

    lib = load_library(list(factor_paths))
    if action == "list":
        for ds in (lib.datasets[i] for i in lib.ids("factor")):
            m = ds.meta
            statuses = ", ".join(f"{s} {n}" for s, n in ds.frame["status"].value_counts().sort_index().items())
            click.echo(f"{ds.id}: {m.get('title', '')} [{len(ds.frame)} rows: {statuses}]")
        click.echo("items: names of energy carriers, water items, chemicals and products (greentex factors show items)")
        return
    if not dataset:
        raise click.UsageError("show needs a dataset id, e.g. greentex factors show gwp")
    if dataset == "items":
        table = lib.item_table.reset_index()[["item", "domain", "class", "units", "label_en", "label_zh"]]
        click.echo(table.to_string(index=False))
        return
    ds = lib.dataset(dataset)
    _show_dataset(ds, ds.keys + ["value", "unit", "status", "source"])


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--baseline-period", required=True,
              help="Baseline months FROM..TO (at least 12 with data), e.g. 2023-01..2023-12, or a year: 2023.")
@click.option("--period", "report_period", default=None,
              help="Reporting months FROM..TO to track against the baseline "
                   "[default: the months with data after the baseline].")
@output_options("Baseline report", "_baseline.xlsx", "the models, tracking and savings")
@assessment_options
@handle_errors
def baseline(path, baseline_period, report_period, output, json_path, lang, factor_paths, options):
    """Fit the energy baseline of PATH (tce = intercept + slope x production + drivers of a Drivers
    sheet), track the reporting period against it and say how much energy was saved."""
    from greentex.baseline import energy_baseline, months_of, write_baseline_json
    from greentex.display import Words

    months_of(baseline_period)  # a bad period is reported before any work
    if report_period:
        months_of(report_period)
    out, json_path = _output_paths(path, output, json_path, "_baseline.xlsx")
    progress = Progress()
    a = _assess(path, factor_paths, options, progress)
    progress.stage("fitting the baseline")
    result = energy_baseline(a, baseline_period, report_period)
    progress.stage("writing the report")
    from greentex.io.planning import write_baseline_report

    from greentex.io.atomic import output_group

    with output_group():  # both or neither
        write_baseline_report(result, out, lang=lang)
        if json_path:
            write_baseline_json(result, json_path)
    progress.done()
    for line in baseline_lines(result, Words(lang)):
        click.echo(line)
    click.echo(_wrote(out, json_path, lang=lang))


def _driver(w, name: str) -> str:
    """A baseline driver or term as the reader says it (production -> 产量; a Drivers-sheet name as written)."""
    return w.t.get(name, name) if w.lang == "zh" else name


def baseline_lines(result, w) -> list[str]:
    """What `greentex baseline` prints: the baseline months and drivers, each model with its fit
    and verdict, the savings per item, the months whose drivers lie outside the baseline range."""
    from greentex.display import unit_text

    t, zh = w.t, w.lang == "zh"
    unit = (lambda u: unit_text(u, w.lang)) if zh else str   # noqa: E731
    bm = result.baseline_months
    lines = [t["cli_baseline_head"].format(first=bm[0], last=bm[-1], n=len(bm), drivers=t["cli_list_sep"].join(
        f"{_driver(w, d)} [{unit(u)}]" for d, u in result.driver_units.items()))]
    for m in result.models:
        f = m.fit
        terms = ""
        for term, u, v in zip(m.terms, m.units, f.coef):
            part = f"{abs(v):.4g} {unit(u)}" + ("" if term == "intercept" else f" {t['cli_times']} {_driver(w, term)}")
            terms += ("-" if v < 0 else "") + part if not terms else (" - " if v < 0 else " + ") + part
        verdict = t["cli_valid"] if m.valid else t["cli_not_valid"].format(why=m.why(w.lang))
        lines.append(t["cli_model"].format(item=w.name(m.item) if zh else m.item, terms=terms, r2=f"{f.r2:.3f}",
                                           p=f"{f.f_p:.2g}", verdict=verdict))
    for r in result.summary.itertuples():
        lines.append(t["cli_savings"].format(
            item=w.name(r.item) if zh else r.item, months=r.months, actual=f"{r.actual:,.1f}", unit=unit(r.unit),
            expected=f"{r.expected:,.1f}", savings=f"{r.savings:,.1f}", se=f"{r.savings_stderr:,.1f}",
            ci=f"{r.savings_ci90:,.1f}", pct=f"{r.savings_pct:.1f}", enpi=f"{r.enpi:.3f}"))
    if not result.reporting_months:
        lines.append(t["cli_no_reporting"])
    for r in result.out_of_range.itertuples():
        lines.append(t["cli_out_of_range"].format(period=r.period, driver=_driver(w, r.driver), value=f"{r.value:,.6g}",
                                                  unit=unit(r.unit), low=f"{r.low:,.6g}", high=f"{r.high:,.6g}"))
    return lines


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--scenarios", "scenarios_path", required=True, type=click.Path(dir_okay=False),
              help="CSV file or .xlsx workbook listing the changes: scenario, change, item, value, unit, to, "
                   "efficiency_old, efficiency_new, note (see samples/scenarios_example.csv).")
@output_options("Scenario report", "_scenarios.xlsx", "the comparison")
@assessment_options
@handle_errors
def scenario(path, scenarios_path, output, json_path, lang, factor_paths, options):
    """Apply each what-if scenario of --scenarios to PATH's data and compare energy, GHG, water and
    benchmark verdicts before and after."""
    from greentex.factors import load_library
    from greentex.io.workbook import sha256
    from greentex.display import Words, unit_text
    from greentex.scenario import compare_scenarios, read_scenarios, write_scenario_json

    out, json_path = _output_paths(path, output, json_path, "_scenarios.xlsx",
                                   inputs=[(scenarios_path, "scenarios file")])
    lib = load_library(list(factor_paths))
    scenarios = read_scenarios(scenarios_path, library=lib)
    progress = Progress()
    a = _assess(path, factor_paths, options, progress)
    progress.stage("assessing the scenarios")
    source = {"path": str(scenarios_path), "name": Path(scenarios_path).name, "sha256": sha256(scenarios_path)}
    result = compare_scenarios(a, scenarios, options=options, library=lib, source=source)
    progress.stage("writing the report")
    from greentex.io.planning import write_scenario_report

    from greentex.io.atomic import output_group

    with output_group():  # both or neither
        write_scenario_report(result, out, lang=lang)
        if json_path:
            write_scenario_json(result, json_path)
    progress.done()
    comp = result.comparison.set_index(["scenario", "metric", "item"])

    w = Words(lang)
    zh = lang == "zh"

    def fig(name, metric, item, unit):
        r = comp.loc[(name, metric, item)] if (name, metric, item) in comp.index else None
        if r is None or r.after != r.after:
            return w["cli_not_computed"].format(metric=w.metric(metric) if zh else metric)
        return f"{r.after:,.1f} {unit_text(unit, lang) if zh else unit} ({r.change:+,.1f})"

    for sc in scenarios:
        n = sc.name
        click.echo(w["cli_scenario"].format(name=n, energy=fig(n, "energy", "total", "tce"),
                                            loc=fig(n, "ghg", "total_location", "tCO2e"),
                                            market=fig(n, "ghg", "total_market", "tCO2e"),
                                            water=fig(n, "water_intake", "total", "m3")))
        v = result.benchmarks
        moved = v[(v["scenario"] == n) & (v["before_verdict"] != v["after_verdict"])]
        for r in moved.itertuples():
            click.echo(w["cli_moved"].format(
                benchmark=w.benchmark(r.benchmark) if zh else r.benchmark, metric=w.metric(r.metric) if zh else r.metric,
                item=w.short(r.item) if zh else r.item, before=w.verdict(r.before_verdict) if zh else r.before_verdict,
                after=w.verdict(r.after_verdict) if zh else r.after_verdict))
    click.echo(_wrote(out, json_path, lang=lang))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="portfolio.xlsx", show_default=True,
              help="Portfolio workbook to write: a row per mill and year, charts, failed files.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="Also write metrics and benchmarks rows (with site and path) and errors as JSON.")
@click.option("--reports", "report_dir", type=click.Path(file_okay=False), default=None,
              help="Also write each mill's own report into this folder, in sub-folders that mirror the input "
                   "folders (a/mill.xlsx -> a/mill_report.xlsx), so that two mills never share a report.")
@click.option("--timeout", type=click.FloatRange(min=0), default=900, show_default=True,
              help="Seconds one workbook may take; a file that takes longer is stopped and listed as failed "
                   "(0: no limit).")
@click.option("--max-memory", "max_memory", type=click.IntRange(min=0), default=8192, show_default=True,
              help="Memory one workbook's worker may use [MB], where the system can limit it (Linux, macOS); "
                   "a file that needs more is listed as failed (0: no limit).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to use [default: the number of CPUs].")
@click.option("--engine", type=click.Choice(["processes", "dask"]), default="processes", show_default=True,
              help="Run on local processes, or on Dask (pip install 'greentex[dask]').")
@click.option("--scheduler", default=None,
              help="With --engine dask: a scheduler address, or processes / threads / synchronous.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the per-mill reports and of what is printed.")
@assessment_options
@handle_errors
def batch(paths, output, json_path, report_dir, timeout, max_memory, jobs, engine, scheduler, lang, factor_paths,
          options):
    """Assess every workbook in PATHS (files or folders) and write one portfolio; each workbook is
    assessed in a worker process of its own, so a bad file, a crash or a file past --timeout is
    reported and skipped. Exit 0 when every file was assessed, 2 when any failed."""
    from greentex.batch import assess_many, find_workbooks, is_portfolio, portfolio_frame_for_json
    from greentex.io.atomic import check_outputs
    from greentex.io.portfolio import write_portfolio

    # an earlier run's outputs are not mills; a mill workbook named by -o is an input, refused below
    own = [json_path, report_dir] + ([output] if Path(output).is_file() and is_portfolio(output) else [])
    check_outputs([output, json_path], [(w, "workbook") for w in find_workbooks(paths, exclude=own)])

    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=1, label="assessing", file=sys.stderr)

    def progress(done, total):
        if bar is not None:
            bar.length = total
            bar.update(1)

    try:
        p = assess_many(paths, options=options, factor_paths=factor_paths, jobs=jobs, engine=engine,
                        scheduler=scheduler, report_dir=report_dir, lang=lang, progress=progress, exclude=own,
                        timeout=timeout, max_memory_mb=max_memory)
    finally:
        if bar is not None:
            bar.render_finish()
    from greentex.io.atomic import output_group

    with output_group():  # both or neither
        write_portfolio(p, output, lang=lang)
        if json_path:
            from greentex.io.jsonout import write_document

            write_document(portfolio_frame_for_json(p), json_path)
    from greentex.labels import labels

    t = labels()[lang]
    code = _will_exit(2 if p.errors else 0)
    for e in p.errors:
        click.echo(t["cli_failed"].format(message=e["message"]), err=True)
    click.echo(t["cli_batch_done"].format(n=p.assessed, failed=len(p.errors), wrote=_wrote(output, json_path, lang=lang)))
    if report_dir and p.assessed:
        click.echo(t["cli_reports_in"].format(folder=report_dir))
    sys.exit(code)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Only this computer can reach 127.0.0.1; any other address lets "
                   "others on the network upload workbooks and read the results.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option("--max-upload", type=click.FloatRange(min=0.001), default=50, show_default=True,
              help="Largest upload accepted [MB]; larger ones are refused (413).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Workbooks processed at once (worker threads) [default: CPUs, at most 4].")
@handle_errors
def serve(host, port, open_browser, max_upload, jobs):
    """Start the local web app: drop a workbook on the page, read its report, download it
    (pip install 'greentex[web]'). Also an API for scripts: POST /api/report, /api/check."""
    try:
        import uvicorn

        from greentex.web import create_app
    except ImportError as exc:
        from greentex.errors import GreentexError

        raise GreentexError(f"the web app needs the web extra ({exc.name} is missing)",
                            hint="pip install 'greentex[web]'") from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(click.style(f"WARNING: serving on {host}: anyone who can reach this address can upload "
                               "workbooks and read every result. There is no login. Use --host 127.0.0.1 "
                               "unless you mean to share it.", fg="red", bold=True), err=True)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    click.echo(f"greentex {__version__} serving on {url} (upload limit {max_upload:g} MB; Ctrl+C stops)")
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    app = create_app(max_upload=int(max_upload * 2**20), workers=jobs)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _terminate(signum, frame):
    """SIGTERM / SIGHUP end the run as an exception would, so temporary files are removed."""
    raise SystemExit(128 + signum)


def main():
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)
    try:  # as click's standalone mode, but Ctrl-C outside a command's own work exits 130 too
        code = cli.main(prog_name="greentex", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        _fail("interrupted", 130)
    sys.exit(code if isinstance(code, int) else 0)
