"""Turn a label as ledgers write it into an item or a product category.

A label is normalised (NFKC: full-width letters and brackets; case; spaces, ``_`` and ``-``),
looked up as written (the user's Names, then the item tables), and otherwise taken apart: the
words forms put around the thing — measure words (用量, 消耗量, 取水量, "consumption") and
qualifiers (外购, 本月, 合计, "purchased", "total") — are split off the ends and the core is
looked up again. The word lists are data (``factors/name_parts.csv``); so are the product words
(fibre x construction x form, ``factors/product_words.csv``) and the product rules
(``factors/product_forms.csv``). Qualifiers that change the meaning are kept: 外供 / 外售 /
上网 / "exported" make the item's export item (electricity -> electricity_export); 自产 / 自发
(made on site) is refused for electricity, steam and heat, whose fuel is the input. A label
that names no single item (取水量, 生活用水 — a use, not a source —, 布 without 机织 / 针织 and no
unit to tell) is an error listing the candidates, never a guess.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from greentex.errors import GreentexError
from greentex.factors import FactorLibrary, match_key
from greentex.units import same_dimension

NAMES_HINT = "add a row to the Names sheet (名称对照): the label as written, then the item, or give --names FILE"
_BRACKETS = re.compile(r"[()\[\]{}【】〔〕<>《》]")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
MAX_STRIPS = 4


class _Parts:
    """The word lists of factors/, matched forms, built once per library."""

    def __init__(self, lib: FactorLibrary):
        parts = lib.name_tables["name_parts.csv"]
        self.ambiguous = {match_key(p): m.split(";") for p, k, m in
                          zip(parts["part"], parts["kind"], parts["meaning"]) if k == "ambiguous"}
        ends = [(match_key(p), k) for p, k in zip(parts["part"], parts["kind"])
                if k in ("measure", "qualifier", "export", "own")]
        self.ends = sorted(set(ends), key=lambda e: -len(e[0]))
        #: the words ledgers put around a sheet's name (2024年能源消耗统计表, 企业基本情况)
        self.sheet_ends = sorted({(match_key(p), k) for p, k in zip(parts["part"], parts["kind"]) if k == "sheet"},
                                 key=lambda e: -len(e[0]))
        by_kind = lambda kind: [(match_key(p), m) for p, k, m in  # noqa: E731
                                zip(parts["part"], parts["kind"], parts["meaning"]) if k == kind]
        self.dye_classes = sorted(by_kind("dye_class"), key=lambda e: -len(e[0]))
        colours = sorted((p for p, _ in by_kind("dye_colour")), key=len, reverse=True)
        self.colour_re = re.compile("|".join(re.escape(c) for c in colours)) if colours else None
        self.agents = by_kind("agent")
        words = lib.name_tables["product_words.csv"]
        self.words: dict[str, list[tuple[str, str]]] = {}
        for w, role, value in zip(words["word"], words["role"], words["value"]):
            self.words.setdefault(match_key(w), []).append((role, value))
        self.word_re = re.compile("|".join(re.escape(w) for w in sorted(self.words, key=len, reverse=True)))
        forms = lib.name_tables["product_forms.csv"]
        self.rules = [(c, f, set(fibres.split(";")), p) for c, f, fibres, p in
                      zip(forms["construction"], forms["form"], forms["fibre"], forms["product"])]
        items = lib.item_table
        self.export_of = {str(items.at[i, "energy_as"]): i for i in items.index
                          if str(items.at[i, "sign"]) == "-1" and isinstance(items.at[i, "energy_as"], str)}


@lru_cache(maxsize=8)
def _parts(lib: FactorLibrary) -> _Parts:
    return _Parts(lib)


def read_names_table(rows: list[tuple[object, object, str, str]], lib: FactorLibrary, file: str | None = None,
                     sheet: str | None = None) -> dict[str, str]:
    """{matched label: item} of the user's Names rows (label, item, label cell, item cell). The
    item may itself be any name greentex knows (电力, woven fabric, woven_fabric); an unknown one
    is an error naming its cell."""
    out: dict[str, str] = {}
    for label, item, label_cell, item_cell in rows:
        blank = [v is None or str(v).strip() == "" for v in (label, item)]
        if all(blank):
            continue
        if blank[0] or blank[1]:
            raise GreentexError("a Names row needs both the label and the item", file=file, sheet=sheet,
                                cell=label_cell if blank[0] else item_cell,
                                hint="write the label as your ledger has it, then the item (e.g. 电力 or woven_fabric)")
        canon = lib.resolve_item(str(item))
        if canon is None:
            close = suggest(lib, str(item))
            raise GreentexError(f"the Names row maps '{label}' to an unknown item '{item}'", file=file,
                                sheet=sheet, cell=item_cell,
                                hint=("did you mean " + ", ".join(close) + "? " if close else "")
                                + "items are listed by `greentex factors show items`")
        key = match_key(str(label))
        if out.get(key, canon) != canon:
            raise GreentexError(f"the label '{label}' is mapped twice, to {out[key]} and {canon}", file=file,
                                sheet=sheet, cell=label_cell, hint="keep one row per label")
        out[key] = canon
    return out


def suggest(lib: FactorLibrary, label: str, n: int = 3) -> list[str]:
    """Closest known items to a label, for a "did you mean" (the core without its measure
    words and qualifiers compared too)."""
    keys = list(lib._item_index)
    best: dict[str, float] = {}
    for text in dict.fromkeys([match_key(label)] + [c for c, _ in _strips(_parts(lib), match_key(label))]):
        for k in difflib.get_close_matches(text, keys, n=n, cutoff=0.5):
            score = difflib.SequenceMatcher(None, text, k).ratio()
            item = lib._item_index[k]
            best[item] = max(best.get(item, 0.0), score)
    return sorted(best, key=lambda i: (-best[i], i))[:n]


def _strips(parts: _Parts, key: str, ends: list[tuple[str, str]] | None = None) -> list[tuple[str, frozenset]]:
    """Every core left by splitting measure words and qualifiers (or other ``ends``, such as
    ``parts.sheet_ends``) off the ends of ``key`` (measure words at the end only, the others at
    either end), with the meaning-changing kinds met."""
    seen = {(key, frozenset())}
    level = [(key, frozenset())]
    for _ in range(MAX_STRIPS):
        nxt = []
        for core, flags in level:
            for part, kind in parts.ends if ends is None else ends:
                if part == core or not part:
                    continue
                cut = []
                if core.endswith(part):
                    cut.append(core[:-len(part)])
                if kind != "measure" and core.startswith(part):
                    cut.append(core[len(part):])
                for c in cut:
                    state = (c, flags | {kind} if kind in ("export", "own") else flags)
                    if state not in seen:
                        seen.add(state)
                        nxt.append(state)
        level = nxt
    return sorted(seen - {(key, frozenset())}, key=lambda s: -len(s[0]))


def product_of(parts: _Parts, key: str) -> list[str]:
    """Product categories a label names by fibre x construction x form (纯棉机织坯布 ->
    woven_fabric), [] when it is not made of product words."""
    pos, roles = 0, {"fibre": set(), "construction": set(), "form": set()}
    while pos < len(key):
        m = parts.word_re.match(key, pos)
        if not m:
            return []
        for role, value in parts.words[m.group(0)]:
            if role in roles:
                roles[role].add(value)
        pos = m.end()
    if len(roles["form"]) != 1 or len(roles["construction"]) > 1:
        return []
    form, fibres = next(iter(roles["form"])), roles["fibre"] or {""}
    rules = [r for r in parts.rules if r[1] == form and ("*" in r[2] or fibres <= r[2])]
    given = roles["construction"]
    if given:
        return list(dict.fromkeys(p for c, _, _, p in rules if c in ("*", *given)))
    # no construction written: one product for each construction the form is made in, or none
    made = {c for c, f, _, _ in parts.rules if f == form and c != "*"}
    per = {c: [p for rc, _, _, p in rules if rc in ("*", c)] for c in made}
    if any(not p for p in per.values()):
        return []
    return list(dict.fromkeys([p for ps in per.values() for p in ps] + [p for c, _, _, p in rules if c == "*"]))


class Names:
    """Resolve labels as ledgers write them, with the user's own names: the library's (--names
    FILE) and, over them, ``user`` (a workbook's Names sheet), label -> item."""

    def __init__(self, library: FactorLibrary, user: dict[str, str] | None = None):
        self.lib = library
        self.user = {**library.user_names, **(user or {})}
        self.parts = _parts(library)

    def _exact(self, key: str) -> str | None:
        return self.user.get(key) or self.lib._item_index.get(key)

    def _found(self, key: str, domain: str | None) -> list[str]:
        hit = self._exact(key)
        if hit:
            return [hit]
        if key in self.parts.ambiguous:
            return list(self.parts.ambiguous[key])
        return product_of(self.parts, key) if domain in (None, "production") else []

    def _apply(self, label: str, item: str, flags: frozenset) -> str:
        """The item a kept qualifier makes of ``item`` (外供电力 -> electricity_export)."""
        table = self.lib.item_table
        if "export" in flags and str(table.at[item, "sign"]) != "-1":
            if item not in self.parts.export_of:
                raise GreentexError(f"'{label}' reads as exported {item}, which greentex does not count",
                                    hint="exports are counted for electricity, steam and heat; " + NAMES_HINT)
            item = self.parts.export_of[item]
        if "own" in flags and table.at[item, "class"] in ("electricity", "heat") and item != "solar_pv":
            raise GreentexError(f"'{label}' reads as {item} made on site: its fuel is the input, not the {item}",
                                hint="enter the fuel the boiler or generator burns (on-site solar: 光伏发电自用); "
                                     "if it is bought, write 外购; " + NAMES_HINT)
        return item

    def candidates(self, label: str, domain: str | None = None) -> list[str]:
        """Every item the label may name (one for a label that is understood)."""
        key = match_key(label)
        variants = list(dict.fromkeys([key, _BRACKETS.sub("", key), _BRACKETED.sub("", key)]))
        for v in variants:
            hit = self._exact(v)
            if hit:
                return [hit]
        strips = {}
        for v in variants:
            found = self._found(v, domain)
            if found:
                return found
            out = []
            strips[v] = _strips(self.parts, v)
            for core, flags in strips[v]:
                for item in self._found(core, domain):
                    out.append(self._apply(label, item, flags))
            if out:
                return list(dict.fromkeys(out))
        for v in variants if domain in (None, "chemicals") else ():  # a dye's trade name, an auxiliary's kind ...
            for core in [v] + [c for c, _ in strips[v]]:
                hit = self._chemical_class(core)
                if hit:
                    return hit
        return []

    def _chemical_class(self, key: str) -> list[str]:
        """A dye by its trade name (活性黑KN-B, Reactive Black 5: class, then hue, then a code) or
        an auxiliary by the name of what it does (匀染剂, softener: ending in 剂 / agent)."""
        parts = self.parts
        for prefix, item in parts.dye_classes:
            if key.startswith(prefix) and parts.colour_re and parts.colour_re.match(key[len(prefix):]):
                return [item]
        return [item for suffix, item in parts.agents
                if key.endswith(suffix) and (key != suffix or len(suffix) > 2)][:1]

    def resolve(self, label: str, domain: str | None = None, units: tuple = ()) -> str:
        """The one item ``label`` names; with several candidates, those whose units fit every
        unit in ``units`` (布 in 万米 is woven fabric, in t knit fabric). Raises GreentexError
        listing the candidates, or with "did you mean" for an unknown label."""
        found = self.candidates(label, domain)
        if domain and len(found) > 1:
            found = [i for i in found if self.lib.item_table.at[i, "domain"] == domain] or found
        if len(found) > 1 and units:
            fit = [i for i in found if all(any(same_dimension(u, c) for c in self.lib.item_units(i))
                                           for u in units if u)]
            found = fit or found
        if len(found) == 1:
            return found[0]
        if found:
            raise GreentexError(f"'{label}' is ambiguous: it may be {' or '.join(found)}",
                                hint="write the item itself (e.g. " + found[0] + ") or " + NAMES_HINT)
        close = [i for i in suggest(self.lib, label)
                 if not domain or self.lib.item_table.at[i, "domain"] == domain]
        what = f"unknown {domain} item" if domain else "unknown item"
        raise GreentexError(f"{what} '{label}'", hint=("did you mean " + ", ".join(close) + "? " if close else "")
                            + NAMES_HINT + "; items are listed by `greentex factors show items`")
