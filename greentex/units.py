"""The one unit registry of greentex, and parsing of unit strings as mills write them.

Unit definitions live in ``units.txt`` beside this module (standard coal, tC/tCO2/tCO2e,
Nm3 and m3). Chinese and informal spellings (千瓦时, 度, 吨, 立方米, m³ ...) are data in
``factors/unit_aliases.csv``. The multipliers 万 (1e4) and 亿 (1e8) may stand before any unit
inside a unit string: ``万kWh``, ``万m³``, ``GJ/万Nm3``.

Each distinct unit string is parsed once (cached); conversions between two unit strings are
cached too, so converting a column costs one float multiplication per row.

The kgce definition follows GB/T 2589 (1 kgce = 29 307 kJ net calorific value) rather than
7 000 kcal_IT (29 307.6 kJ): greentex computes Chinese compliance figures, and the standard's
own definition is the one an auditor checks against. The difference (2e-5 relative) is below
the four significant digits of the published coefficients.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import pint

from greentex.errors import GreentexError, clip

def _registry() -> pint.UnitRegistry:
    """pint's parsed default definitions are cached on disk (:auto:, about 0.1 s saved per
    start); where the cache cannot be used, the registry is built without it."""
    try:
        reg = pint.UnitRegistry(on_redefinition="raise", cache_folder=":auto:")
    except Exception:  # an unwritable or damaged cache folder
        reg = pint.UnitRegistry(on_redefinition="raise", cache_folder=None)
    reg.load_definitions(str(resources.files("greentex") / "units.txt"))
    return reg


ureg = _registry()
pint.set_application_registry(ureg)
Q_ = ureg.Quantity

MULTIPLIERS = {"万": "1e4", "亿": "1e8"}


def _load_aliases() -> dict[str, str]:
    path = resources.files("greentex.factor_data") / "unit_aliases.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:  # as factors.py reads every factor file
        return {normalize_text(row["alias"]): row["unit"] for row in csv.DictReader(fh)}


def normalize_text(text: str) -> str:
    """NFKC-normalise (full-width letters, brackets and ³ become ASCII) and strip spaces."""
    return unicodedata.normalize("NFKC", str(text)).strip()


_ALIASES: dict[str, str] | None = None
_ALIAS_RE: re.Pattern | None = None


def _alias_pattern() -> tuple[dict[str, str], re.Pattern]:
    global _ALIASES, _ALIAS_RE
    if _ALIAS_RE is None:
        _ALIASES = {k.lower(): v for k, v in _load_aliases().items()}
        parts = []
        for alias in sorted(_ALIASES, key=len, reverse=True):
            esc = re.escape(alias)
            if alias.isascii():
                # an ASCII alias must stand alone: "m3" is replaced, "Nm3" is not
                parts.append(rf"(?<![A-Za-z0-9_]){esc}(?![A-Za-z0-9_])")
            else:
                parts.append(esc)
        _ALIAS_RE = re.compile("|".join(parts), re.IGNORECASE)
    return _ALIASES, _ALIAS_RE


_MULT_RE = re.compile(r"([万亿])\s*([A-Za-z_][A-Za-z0-9_]*(?:\*\*\d+)?)")


def to_pint_expression(text: str) -> str:
    """Rewrite a unit string as written in a workbook into a pint expression.

    >>> to_pint_expression("GJ/万Nm3")
    'GJ/(1e4*Nm3)'
    """
    aliases, pattern = _alias_pattern()
    s = normalize_text(text).replace("·", "*")
    s = pattern.sub(lambda m: aliases[m.group(0).lower()], s)
    s = _MULT_RE.sub(lambda m: f"({MULTIPLIERS[m.group(1)]}*{m.group(2)})", s)
    return s.replace(" ", "")


MAX_UNIT_LENGTH = 60  # characters of a unit string
MAX_UNIT_TOKENS = 24  # names, numbers and operators
MAX_EXPONENT = 12  # m**3, 10^4, 10**-3: a power is a small integer
MULTIPLIER_RANGE = (1e-12, 1e12)  # the magnitude of a unit (万kWh: 1e4)
_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)|(?P<name>[^\W\d]\w*)"
                    r"|(?P<op>\*\*|[*/^()°%]|-(?=\d)))")
_NOT_UNITS = {"nan", "inf", "infinity"}


def _tokens(expr: str) -> list[tuple[str, str]]:
    """(kind, text) tokens of a pint expression, or GreentexError for anything that is not a
    unit name, a number or one of * / ** ^ ( )."""
    out, pos = [], 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise ValueError(f"'{expr[pos]}' has no place in a unit")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def check_unit_expression(expr: str) -> None:
    """Refuse, before pint evaluates anything, a unit expression that is not a unit: too long,
    nan or inf, a sign, a number that is not a power of ten (10, 1e4, 10^4), a power that is not
    a small integer, or a power of a power (10**10**10 would take pint forever). ValueError says why."""
    tokens = _tokens(expr)
    if len(tokens) > MAX_UNIT_TOKENS:
        raise ValueError(f"more than {MAX_UNIT_TOKENS} parts")
    depth = 0
    for k, (kind, text) in enumerate(tokens):
        before = tokens[k - 1][1] if k else ""
        if kind == "name" and text.lower() in _NOT_UNITS:
            raise ValueError(f"'{text}' is not a unit")
        if text == "(":
            depth += 1
            if depth > 3:
                raise ValueError("too many brackets")
        elif text == ")":
            depth -= 1
        elif text == "-" and before not in ("**", "^"):
            raise ValueError("a unit has no sign")
        elif text in ("**", "^"):
            if before == ")" or (k >= 2 and tokens[k - 2][1] in ("**", "^")) or \
                    (k >= 3 and tokens[k - 2][1] == "-" and tokens[k - 3][1] in ("**", "^")):
                raise ValueError("a power of a power or of a bracket")
        elif kind == "num":
            power = before in ("**", "^") or (before == "-" and k >= 2 and tokens[k - 2][1] in ("**", "^"))
            if power:
                if not text.isdigit() or int(text) > MAX_EXPONENT:
                    raise ValueError(f"the power {text} is not a small whole number")
            elif not re.fullmatch(r"1(?:0*|(?:\.0*)?[eE][+-]?\d{1,2})", text) or \
                    (text != "10" and k + 1 < len(tokens) and tokens[k + 1][1] in ("**", "^")):
                raise ValueError(f"the number {text} is not a power of ten")


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> pint.Quantity:
    """Parse a unit string into a Quantity of magnitude = its multiplier (万kWh -> 1e4 kWh).

    The string is checked first (check_unit_expression; at most MAX_UNIT_LENGTH characters), so
    that pint never evaluates a number, only unit names and powers of ten; the multiplier must
    lie within MULTIPLIER_RANGE. Raises GreentexError (without location; the caller adds it).
    """
    if text is None or normalize_text(text) == "":
        raise GreentexError("the unit is empty", hint="write a unit such as kWh, t, m3 or 万kWh")
    shown = clip(text)
    if len(normalize_text(text)) > MAX_UNIT_LENGTH:
        raise GreentexError(f"'{shown}' is not a unit (longer than {MAX_UNIT_LENGTH} characters)", hint=UNIT_HINT)
    expr = to_pint_expression(text)
    try:
        check_unit_expression(expr)
    except ValueError as exc:
        raise GreentexError(f"'{shown}' is not a unit ({exc})", hint=UNIT_HINT) from None
    try:
        q = ureg.parse_expression(expr)
    except Exception as exc:  # pint raises several types for bad strings
        raise GreentexError(f"unknown unit '{shown}'", hint=UNIT_HINT) from exc
    if not isinstance(q, pint.Quantity):
        q = Q_(float(q), "dimensionless")
    low, high = MULTIPLIER_RANGE
    if not low <= float(q.magnitude) <= high:
        raise GreentexError(f"'{shown}' is not a unit (its multiplier {float(q.magnitude):g} is outside "
                            f"{low:g} to {high:g})", hint=UNIT_HINT)
    return q


UNIT_HINT = "use a unit such as kWh, MWh, 万kWh, t, kg, m3, Nm3, GJ, hm (100 m) or mg/L"


@lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiplier taking magnitudes in ``from_unit`` to ``to_unit`` (both unit strings)."""
    return float(parse_unit(from_unit).to(parse_unit(to_unit).units).magnitude / parse_unit(to_unit).magnitude)


@lru_cache(maxsize=4096)
def dimensionality(text: str) -> str:
    """Dimensionality of a unit string, as text (e.g. '[mass]')."""
    return str(parse_unit(text).dimensionality)


def same_dimension(a: str, b: str) -> bool:
    """True when unit strings ``a`` and ``b`` can be converted into each other."""
    return dimensionality(a) == dimensionality(b)
