"""What a person reads: words, units and number formats in English or Chinese.

Shared by the report workbook, the planning reports and the HTML summary. The JSON and the
Metrics sheet keep the ids and pint unit strings of the contract; everything a person reads goes
through :class:`Words` (ids to words, from ``labels.csv`` and the factor library) and
:func:`unit_text` / :func:`decimals` (pint strings to units as people write them).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from greentex.errors import GreentexError
from greentex.labels import LANGUAGES, labels

# -- units -----------------------------------------------------------------------------------

#: GHG sources named "<kind>:<item>" (src_<kind> in labels.csv words them).
SOURCE_PREFIXES = ("combustion:", "refrigerant:", "montreal:")

#: greentex's own words that open a factor's source (label key, English words).
DERIVED_FROM_NCV = "derived from the NCV given: "
SOURCE_PHRASES = (("fsrc_derived_ncv", DERIVED_FROM_NCV),)

_UNIT_RULES = [(re.compile(p), r) for p, r in (
    (r"\*\*3\b", "³"), (r"\*\*2\b", "²"), (r"(?<![A-Za-z])(N?m)3\b", r"\1³"), (r"\bpercent\b", "%"),
    (r"CO2", "CO₂"), (r"CH4", "CH₄"), (r"\bdimensionless\b", "1"),
    (r"\b(?:1e4|10\*\*4|10000)\s*\*\s*", "万"),   # GJ/(1e4*Nm3) -> GJ/万Nm³, as the guidelines write it
    (r"\s*\*\s*", "·"),
    (r"/\(([^()*/·]+)\)", r"/\1"),          # kgce/(m³) -> kgce/m³ (one unit needs no brackets)
)]


@lru_cache(maxsize=4096)
def unit_text(unit, lang: str = "en") -> str:
    """A pint unit string as people write it: ``m**3`` -> m³, ``percent`` -> %, ``tCO2e`` ->
    tCO₂e, ``kgce/hm`` -> kgce/(100 m) (en) or kgce/百米 (zh). Units as the input wrote them
    (万kWh, 吨) pass through, m3 becoming m³."""
    if not isinstance(unit, str):
        return "" if unit is None or unit != unit else str(unit)   # None and NaN: no unit
    u = unit.strip()
    for pattern, repl in _UNIT_RULES:
        u = pattern.sub(repl, u)
    hundred = "百米" if lang == "zh" else "100 m"
    u = re.sub(r"/hm\b", "/百米" if lang == "zh" else "/(100 m)", u)
    return re.sub(r"^hm$", hundred, u)


# decimals shown per unit (the last part of the unit decides: kgce/hm is a kgce figure)
_DECIMALS = {"m3": 0, "m³": 0, "Nm3": 0, "吨": 2, "万吨": 2, "tce": 2, "kgce": 2, "tCO2e": 2, "tCO2": 2, "kgCO2e": 2, "kgCO2": 2, "GJ": 1, "MJ": 0,
             "kWh": 0, "MWh": 1, "m**3": 0, "t": 2, "kg": 0, "mg/L": 0, "percent": 1, "hm": 0, "Nm**3": 0}


@lru_cache(maxsize=4096)
def decimals(unit) -> int:
    """Decimals to show a figure in ``unit`` with: 2 for tce, tCO₂e and intensities, 0 for m³,
    kWh and kg, 1 for % and GJ; 2 for anything else."""
    if not isinstance(unit, str):
        return 2
    u = unit.strip()
    if u in _DECIMALS:
        return _DECIMALS[u]
    if u.startswith("万"):      # 万kWh, 万m³: ten thousands, written with two decimals
        return 2
    return 2   # intensities, factors and anything else


def number_format(places: int) -> str:
    """An Excel number format with thousands separators and ``places`` decimals."""
    return "#,##0" + ("." + "0" * places if places > 0 else "")


@lru_cache(maxsize=65536)
def text_width(text: str) -> int:
    """Display width in Excel characters (CJK characters count twice)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


# -- periods ---------------------------------------------------------------------------------

def period_word(periods, lang: str = "en") -> str:
    """The name of what a ``total`` covers, from the months (``YYYY-MM``) it sums: a whole
    calendar year is 全年 / "whole year 2024"; January to month n of one year is 1–3月 /
    "Jan–Mar 2024"; other months of one year 本年累计 / "2024, year to date"; several years
    their first and last month, 2023年1月–2024年12月 / "Jan 2023 – Dec 2024"."""
    t = labels()[lang]
    months = sorted({str(p) for p in periods if re.fullmatch(r"\d{4}-\d{2}", str(p))})
    years = {m[:4] for m in months}
    if len(years) > 1:  # Jan 2023 – Dec 2024 / 2023年1月–2024年12月
        return t["period_span"].format(fy=months[0][:4], fm=_month(int(months[0][5:]), lang),
                                       ly=months[-1][:4], lm=_month(int(months[-1][5:]), lang))
    if not years:
        return t["period_all"]
    year = years.pop()
    nums = [int(m[5:]) for m in months]
    if nums == list(range(1, 13)):
        return t["period_year"].format(year=year)
    if nums == list(range(1, nums[-1] + 1)):
        return t["period_months"].format(year=year, first=_month(1, lang), last=_month(nums[-1], lang))
    return t["period_ytd"].format(year=year)


def _month(n: int, lang: str) -> str:
    return str(n) if lang == "zh" else ("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()[n - 1])


# -- words -----------------------------------------------------------------------------------

class Words:
    """The words of one language: labels by key (``w["summary"]``) and ids made readable
    (items, products, verdicts, statuses, parameters, option values, grids, benchmarks)."""

    def __init__(self, lang: str):
        if lang not in LANGUAGES:
            raise GreentexError(f"unknown report language '{lang}'", hint="use en or zh")
        from greentex.factors import load_library
        self.lang = lang
        self.t = labels()[lang]
        lib = load_library()
        self.names = lib.item_table["label_zh" if lang == "zh" else "label_en"].to_dict()
        self._grids = _grid_names(lib, lang)
        self.messages: dict[str, str] = {}   # English issue message -> this language (set by a report)

    def __getitem__(self, key: str) -> str:
        return self.t[key]

    def _word(self, prefix: str, value) -> str:
        """The label ``prefix + value``, or the value itself."""
        if value is None or (isinstance(value, float) and value != value):
            return ""
        return self.t.get(f"{prefix}{value}", str(value))

    def name(self, item) -> str:
        """Display name of an item or product id (the id itself when unknown)."""
        name = self.names.get(item) or self.t.get(f"item_{item}")  # item_total, item_in, class:dye ...
        if not (isinstance(name, str) and name) and isinstance(item, str) and item.startswith(SOURCE_PREFIXES):
            return self.source(item)
        return name if isinstance(name, str) and name else ("" if item is None else str(item))

    def short(self, item) -> str:
        """A short name for legends and headings (the English id, readable, when the name is long)."""
        name = self.name(item)
        if text_width(name) > 24 and self.lang == "en":
            return str(item).replace("_", " ").capitalize()
        return name

    def source(self, name: str) -> str:
        """Display name of a GHG source (``combustion:natural_gas``, ``electricity_market``...)."""
        base = str(name).removesuffix("_market")
        if base.startswith(SOURCE_PREFIXES):  # combustion:natural_gas, refrigerant:r410a, montreal:r22
            prefix, item = base.split(":", 1)
            return self.t[f"src_{prefix}"].format(item=self.short(item))
        return self.t.get(f"src_{base}") or self.t.get(base) or self.name(base)

    def severity(self, sev: str) -> str:
        return self._word("sev_", sev)

    def verdict(self, text) -> str:
        """pass / fail / level I / no level reached / not assessed (...) / indicative: ..., translated."""
        text = str(text)
        if text.startswith("indicative: "):
            return self.t["v_indicative"].format(rest=self.verdict(text[len("indicative: "):]))
        for prefix in ("within ", "above "):  # an indicative line's level
            if text.startswith(prefix):
                return self.t[f"v_{prefix.strip()}"].format(rest=self.level(text[len(prefix):]))
        for prefix in ("level ", "not assessed"):
            if text.startswith(prefix):
                return self.t[f"v_{prefix.strip()}"].format(rest=text[len(prefix):])
        return self.t.get(f"v_{text}", text)

    def metric(self, metric) -> str:
        """A metric's name (energy_intensity -> Energy intensity), translated when known."""
        return self._word("met_", metric)

    def target(self, kind) -> str:
        """A target's name (energy -> Energy budget / 能耗总量), see greentex.targets."""
        return self._word("tgt_", kind)

    def target_verdict(self, verdict) -> str:
        """on_track / at_risk / exceeded / missed / not_assessed, translated."""
        return self._word("tv_", verdict)

    def target_reason(self, code) -> str:
        """Why a target's forecast or verdict is missing (no_data, no_baseline ...), translated."""
        return self._word("tr_", code) if code else ""

    def level(self, name) -> str:
        """A benchmark level's name (limit, typical, best practice ...), translated when known."""
        return self._word("lvl_", name)

    def status(self, status) -> str:
        """A factor or benchmark status (primary, secondary, derived, user)."""
        return self._word("st_", status)

    def parameter(self, parameter) -> str:
        """A factor parameter (coefficient, ncv, grid_factor_location, gwp_AR5 ...)."""
        p = str(parameter)
        if p.startswith("gwp_"):
            return self.t["par_gwp"].format(set=p[4:])
        return self._word("par_", p)

    def comparison(self, comparison) -> str:
        return self._word("cmp_", comparison)

    def key(self, key) -> str:
        """A Site key or option name (name, enterprise, electricity_method ...)."""
        return self._word("key_", key)

    def grid(self, grid) -> str:
        """A grid factor's name (east -> East China grid / 华东区域)."""
        return self.t.get(f"grid_{grid}") or self._grids.get(grid) or str(grid)

    def factor_source(self, text) -> str:
        """A factor's source: greentex's own words around it (derived from the NCV given: ...) in
        this language, a document's title as it is."""
        text = "" if text is None else str(text)
        for key, phrase in SOURCE_PHRASES:
            if text.startswith(phrase):
                return self.t[key] + text[len(phrase):]
        return text

    def benchmark(self, set_id) -> str:
        """A benchmark set's name (not its id)."""
        return self._word("bm_", set_id)

    def value(self, key, value) -> str:
        """An option or Site value as a person reads it: ids of items, grids, benchmark sets and
        option words translated; lists joined; anything else as written."""
        if value is None or value == "":
            return ""
        if isinstance(value, dict) and "grid" in value:
            return self.t["grid_used"].format(grid=self.grid(value["grid"]), year=value.get("year", ""))
        if isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()):  # per reporting year
            sep = "；" if self.lang == "zh" else "; "
            return sep.join(f"{year}: {self.value(key, v)}" for year, v in value.items())
        if key == "allocation" and isinstance(value, str):   # woven_fabric: 0.6; knit_fabric: 0.4
            return re.sub(r"\b[a-z]+(?:_[a-z]+)+\b", lambda m: self.name(m.group()), value)
        if isinstance(value, (list, tuple)):
            return "、".join(self.value(key, v) for v in value) if self.lang == "zh" else \
                ", ".join(self.value(key, v) for v in value)
        if key == "grid":
            return self.grid(value)
        if key == "benchmarks":
            return self.benchmark(value)
        if key in ("product",) or (isinstance(value, str) and value in self.names):
            return self.name(value)
        if key == "combustion_note":
            table = "ipcc" if "IPCC" in str(value) else "cn"
            how = "how_chosen" if str(value).endswith("(chosen)") else "how_country"
            return self.t[f"note_combustion_{table}"].format(how=self.t[how])
        if key == "gwp_note":
            return self.t["gwp_note"].format(v=str(value).removeprefix("GWP100 set ").removesuffix(" (default)"),
                                             d=self.t["default"] if str(value).endswith("(default)") else "")
        if isinstance(value, str):
            return self.t.get(f"val_{value}", value)
        return value

    def reason(self, text) -> str:
        """A benchmark line's note or reason (why not applicable, not assessed) in this language:
        the messages of the assessment's issues (``self.messages``, English -> this language)
        and the benchmark rule's own reasons; other text (the data's notes) as written."""
        text = "" if text is None or (isinstance(text, float) and text != text) else str(text)
        if self.lang == "en" or not text:
            return text
        if text in self.messages:
            return self.messages[text]
        for key, pattern in _REASONS:
            m = pattern.match(text)
            if m:
                g = m.groupdict()
                if "app" in g:
                    g["app"] = self.value("enterprise", g["app"])
                if "ent" in g:
                    g["ent"] = self.value("enterprise", g["ent"])
                for k in ("cond", "have"):
                    if k in g:
                        g[k] = "、".join(self._condition(c) for c in g[k].split(","))
                if "key" in g:
                    g["key"] = self.key(g["key"])
                if "metric" in g:
                    g["metric"] = self.metric(g["metric"])
                if "item" in g:
                    g["item"] = self.name(g["item"])
                return self.t[key].format(**g)
        return text

    def _condition(self, cond: str) -> str:
        """``discharge=indirect_park`` -> 排放方式：间接排放（园区污水处理厂）."""
        key, _, value = cond.strip().partition("=")
        return f"{self.key(key)}：{self.value(key, value)}" if value else self.key(key)

    def period(self, period, months=()) -> str:
        """A period id as read: ``total`` -> the period word of ``months``; 2024-03 as is."""
        return period_word(months, self.lang) if period == "total" else str(period)


_REASONS = [(k, re.compile(p)) for k, p in (
    ("r_no_enterprise", r"^line for (?P<app>\w+) enterprises: the Site sheet does not say existing or new$"),
    ("r_other_enterprise", r"^line for (?P<app>\w+) enterprises; this site is (?P<ent>\w+)$"),
    ("r_no_key", r"^line for (?P<cond>.+): the Site sheet has no (?P<key>.+)$"),
    ("r_other_key", r"^line for (?P<cond>.+); this site has (?P<have>.+)$"),
    ("r_not_computed", r"^(?P<metric>\w+) \((?P<item>.+)\) was not computed from this workbook$"),
    ("r_not_computed_month", r"^(?P<metric>\w+) not computed for (?P<period>\S+)$"),
)]


def _grid_names(lib, lang: str) -> dict:
    """{grid id: name}: in Chinese the grid factor data's label_zh, in English a province's
    name from cn_provinces (empty without that data)."""
    if lang != "zh":
        return dict(zip(lib.provinces["grid"], lib.provinces["name"]))
    frame = lib.datasets["cn_grid_electricity"].frame if "cn_grid_electricity" in lib.datasets else None
    if frame is None or "label_zh" not in frame:
        return {}
    return dict(zip(frame["grid"], frame["label_zh"]))
