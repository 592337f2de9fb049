"""Load, validate and select the cited factor datasets in ``factors/`` (or a user's own files).

Every factor dataset is a CSV: key columns, then ``value, unit, source, reference, status,
note``; ``catalogue.csv`` lists each dataset with its id, file, key columns, publisher, edition
and licence. ``status`` says how sure a number is: primary (read in the official text),
secondary (read in a source quoting it), derived (computed from such values; formula in the
note), user (supplied by the user).

Lookup tables without values (``items.csv``, ``item_aliases.csv``, ``unit_aliases.csv``,
``products.csv``, ``site_keys.csv``, ``factor_parameters.csv``) give the names greentex recognises, in English and Chinese;
they too cite, row by row, where each name comes from (``source``).

A user file or folder of the same schema is taken on top of (default) or in place of a bundled
dataset: a folder may hold its own ``catalogue.csv`` with a ``mode`` column (``extend`` or
``replace``); a lone CSV file is matched to a dataset by its file name (``gwp.csv``,
``cn_grid_electricity_2021-2023.csv`` or ``cn_grid_electricity.csv``) and extends it, user rows
winning over bundled rows with the same keys.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from greentex.errors import GreentexError, clip
from greentex.units import normalize_text, parse_unit

STATUSES = {"primary", "secondary", "derived", "user"}
MAX_FACTOR_VALUE = 1e9  # a factor or benchmark value, in its own unit


def check_value(value: float, what: str = "the value", *, high: float = MAX_FACTOR_VALUE) -> float:
    """``value`` when it is finite and within 0..``high``; GreentexError otherwise (no location)."""
    if not np.isfinite(value):
        raise GreentexError(f"{what} {value} is not a finite number", hint="write a number")
    if value < 0:
        raise GreentexError(f"{what} {value:g} is negative", hint="factors and limits are zero or more")
    if value > high:
        raise GreentexError(f"{what} {value:g} is above the limit of {high:g}",
                            hint="check the number and its unit")
    return value


def bundled_dir():
    """The bundled ``factors/`` folder (a Traversable inside the installed package)."""
    return resources.files("greentex.factor_data")


MAX_FILE_ROWS = 200_000  # rows of one factor, benchmark or scenario CSV
ENCODINGS = (("utf-8", "UTF-8"), ("gb18030", "GBK/GB18030"))  # tried in this order, after the BOMs


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding name) of a text file as users save it: UTF-8 with or without BOM, UTF-16
    (BOM, or the zero bytes of ASCII text), else GBK/GB18030 (Chinese Excel's "CSV"); anything
    else is refused naming the file."""
    if not data:
        raise GreentexError("the file is empty (0 bytes)", file=name, hint="copy it again or give another file")
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", "UTF-8 with BOM")]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", "UTF-16")]
    elif b"\x00" in data[:4096]:
        zeros_odd = data[1:4096:2].count(0) > data[0:4096:2].count(0)
        candidates = [("utf-16-le", "UTF-16") if zeros_odd else ("utf-16-be", "UTF-16")]
    else:
        candidates = list(ENCODINGS)
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text, label
    raise GreentexError("cannot be read as text: it is not UTF-8, UTF-16 or GBK/GB18030", file=name,
                        hint="save it from Excel as 'CSV UTF-8 (comma delimited)'")


def _read_csv(source, name: str) -> pd.DataFrame:
    """A CSV (bundled or the user's) as text columns; ``frame.attrs['encoding']`` says how it was
    saved. GreentexError naming the file when it is missing, empty, not text or too long."""
    import io

    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise GreentexError(f"factor file '{name}' not found") from None
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise GreentexError(f"cannot be read ({exc.strerror or type(exc).__name__})", file=name) from None
    text, encoding = decode_text(data, name)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise GreentexError("the file holds no table", file=name, hint="the first line names the columns") from None
    except pd.errors.ParserError as exc:
        raise GreentexError(f"cannot be read as CSV ({clip(str(exc).splitlines()[0])})", file=name,
                            hint="save it from Excel as 'CSV UTF-8 (comma delimited)'") from None
    if len(frame) > MAX_FILE_ROWS:
        raise GreentexError(f"refused: {len(frame):,} rows (limit {MAX_FILE_ROWS:,})", file=name,
                            hint="keep only the rows greentex needs")
    frame.attrs["encoding"] = encoding
    return frame


NAME_TABLES = ("name_parts.csv", "product_words.csv", "product_forms.csv")  # greentex.names
LOOKUP_TABLES = ("items.csv", "item_aliases.csv", "products.csv", "site_keys.csv", "site_values.csv",
                 "factor_parameters.csv", "cn_provinces.csv") + NAME_TABLES  # unit_aliases: greentex.units


def read_lookup(root, name: str) -> pd.DataFrame:
    """A lookup table (names, aliases, catalogue): like every file in factors/, each row says
    where it comes from in a non-empty ``source`` column."""
    frame = _read_csv(root / name, name)
    if "source" not in frame.columns:
        raise GreentexError(f"{name}: no 'source' column", hint="every row of factor data cites its source")
    empty = frame["source"].str.strip() == ""
    if empty.any():
        raise GreentexError(f"{name} row {int(empty.to_numpy().argmax()) + 2}: the source is empty",
                            hint="every row of factor data cites its source")
    return frame


def match_key(text: str) -> str:
    """Normalised form used to match names: NFKC, case-folded, no spaces, '_' or '-'."""
    return re.sub(r"[\s_\-]+", "", normalize_text(text).casefold())


def validate_dataset(frame: pd.DataFrame, keys: list[str], name: str) -> pd.DataFrame:
    """Check a factor dataset's schema and return it with ``value`` as float.

    Raises GreentexError naming the file and row for a missing column, a value that is not a
    number, a unit pint cannot parse, an unknown status, an empty source or duplicate keys.
    """
    missing = [c for c in keys + ["value", "unit", "source", "reference", "status"] if c not in frame.columns]
    if missing:
        raise GreentexError(f"{name}: missing column(s) {', '.join(missing)}",
                            hint="every factor dataset needs its key columns and value, unit, source, reference, status")
    encoding = frame.attrs.get("encoding")
    if "note" not in frame.columns:
        frame = frame.assign(note="")
    frame = frame.copy()
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{name} row {i}"
        try:
            check_value(float(row.value))
        except ValueError:
            raise GreentexError(f"{where}: value '{clip(row.value)}' is not a number") from None
        except GreentexError as exc:
            raise GreentexError(f"{where}: {exc.message}", hint=exc.hint) from None
        try:
            parse_unit(row.unit)
        except GreentexError as exc:
            raise GreentexError(f"{where}: {exc.message}", hint=exc.hint) from None
        year = getattr(row, "year", None) if "year" in keys else None
        if year is not None and not re.fullmatch(r"(19|20|21)\d\d", str(year).strip()):
            raise GreentexError(f"{where}: year '{clip(year)}' is not a year", hint="write it as four digits, e.g. 2022")
        if row.status not in STATUSES:
            raise GreentexError(f"{where}: status '{row.status}' is not one of {', '.join(sorted(STATUSES))}")
        if not str(row.source).strip():
            raise GreentexError(f"{where}: the source is empty", hint="name the document the value comes from")
    dup = frame.duplicated(subset=keys, keep=False)
    if dup.any():
        first = frame[dup].iloc[0]
        raise GreentexError(f"{name}: duplicate key {', '.join(f'{k}={first[k]}' for k in keys)}",
                            hint="each key may appear once per dataset")
    frame["value"] = frame["value"].astype(float)
    frame.attrs["encoding"] = encoding
    return frame


@dataclass
class Dataset:
    """One validated factor dataset with its catalogue entry."""

    id: str
    keys: list[str]
    frame: pd.DataFrame
    meta: dict = field(default_factory=dict)
    _indexes: dict = field(default_factory=dict, repr=False)  # key names -> {key values: rows}
    _records: list | None = field(default=None, repr=False)

    def rows(self, **keys) -> list[dict]:
        """The rows (as dicts, in file order) matching all given key values, from an index
        built once per set of key names."""
        names = tuple(sorted(keys))
        index = self._indexes.get(names)
        if index is None:
            cols = [self.frame[k].astype(str).tolist() for k in names]
            index = {}
            for key, record in zip(zip(*cols), self.records()):
                index.setdefault(key, []).append(record)
            self._indexes[names] = index
        return index.get(tuple(str(keys[k]) for k in names), [])

    def records(self) -> list[dict]:
        """All rows as dicts, in file order (made once; do not change them)."""
        if self._records is None:
            self._records = self.frame.to_dict("records")
        return self._records

    def row(self, **keys) -> dict | None:
        """The first row matching all given key values, or None."""
        found = self.rows(**keys)
        return found[0] if found else None


def _spread_over_missing_keys(frame: pd.DataFrame, bundled: "Dataset") -> pd.DataFrame:
    """A user's rows without one of the bundled dataset's key columns (e.g. fuel_properties'
    ``table``) apply under every value of that key: one copy of the rows per value."""
    for key in bundled.keys:
        if key not in frame.columns and key in bundled.frame.columns and len(frame):
            values = list(dict.fromkeys(bundled.frame[key].astype(str)))
            frame = pd.concat([frame.assign(**{key: v}) for v in values], ignore_index=True)
    return frame


class FactorLibrary:
    """All datasets and lookup tables, bundled ones overlaid with the user's."""

    def __init__(self, user_paths: list[str | Path] | tuple = ()):
        root = bundled_dir()
        self.user_files: dict[str, str] = {}  # the user's data files read: path -> encoding
        self.catalogue = read_lookup(root, "catalogue.csv")
        self.datasets: dict[str, Dataset] = {}
        for entry in self.catalogue.to_dict("records"):
            entry.setdefault("kind", "factor")
            keys = [k for k in entry["keys"].split(";") if k]
            frame = validate_dataset(_read_csv(root / entry["file"], entry["file"]), keys, entry["file"])
            frame["origin"] = "bundled"
            self.datasets[entry["id"]] = Dataset(entry["id"], keys, frame, entry)
        tables = {name: read_lookup(root, name) for name in LOOKUP_TABLES}
        self.items = tables["items.csv"]
        self.products = tables["products.csv"].set_index("product")
        self.site_keys = tables["site_keys.csv"]
        self.site_value_table = tables["site_values.csv"]
        self.provinces = tables["cn_provinces.csv"].set_index("code")  # ISO 3166-2 code -> grid, region
        self._build_item_index(tables["item_aliases.csv"])
        self._build_site_key_index()
        self.name_tables = {name: tables[name] for name in NAME_TABLES}
        self.user_names: dict[str, str] = {}  # the user's names files (--names): label -> item
        self._parameter_index = _alias_index(tables["factor_parameters.csv"], "parameter", "factor_parameters.csv")
        for path in user_paths:
            self._add_user(Path(path))

    # -- user data -----------------------------------------------------------------------
    def _dataset_for_file(self, path: Path) -> str:
        stem = path.stem
        for entry in self.catalogue.to_dict("records"):
            if stem in (entry["id"], Path(entry["file"]).stem):
                return entry["id"]
        raise GreentexError(f"{path}: no dataset named '{stem}'",
                            hint=f"name the file after a dataset id ({', '.join(self.datasets)}) "
                                 "or put it in a folder with its own catalogue.csv")

    def _add_user(self, path: Path) -> None:
        if not path.exists():
            raise GreentexError(f"factor path '{path}' does not exist")
        if path.is_file() and is_names_file(path):
            self._add_names(path)
            return
        if path.is_dir():
            cat_path = path / "catalogue.csv"
            if cat_path.exists():
                cat = _read_csv(cat_path, str(cat_path))
                for entry in cat.to_dict("records"):
                    self._merge_user(path / entry["file"], entry.get("id") or None,
                                     entry.get("mode") or "extend", entry)
            else:
                for file in sorted(path.glob("*.csv")):
                    self._merge_user(file, None, "extend", {})
        else:
            self._merge_user(path, None, "extend", {})

    def _add_names(self, path: Path) -> None:
        """A names file (columns label, item): the user's own spellings, on top of the bundled ones."""
        from greentex.names import read_names_table

        frame = _read_csv(path, path.name)
        rows = [(r["label"], r["item"], f"row {i}, column label", f"row {i}, column item")
                for i, r in enumerate(frame.to_dict("records"), start=2)]
        self.user_names = {**self.user_names, **read_names_table(rows, self, file=path.name)}

    def _merge_user(self, file: Path, dataset_id: str | None, mode: str, entry: dict) -> None:
        dataset_id = dataset_id or self._dataset_for_file(file)
        if mode not in ("extend", "replace"):
            raise GreentexError(f"{file}: mode '{mode}' must be extend or replace")
        if dataset_id in self.datasets:
            keys = self.datasets[dataset_id].keys
        else:
            keys = [k for k in str(entry.get("keys", "")).split(";") if k]
            if not keys:
                raise GreentexError(f"{file}: new dataset '{dataset_id}' needs its key columns in catalogue.csv")
            mode = "replace"
        frame = _read_csv(file, str(file))
        if dataset_id in self.datasets:
            frame = _spread_over_missing_keys(frame, self.datasets[dataset_id])
        frame = validate_dataset(frame, keys, str(file))
        self.add(frame, dataset_id, keys, mode, entry, str(file))

    def add(self, frame: pd.DataFrame, dataset_id: str, keys: list[str], mode: str, meta: dict,
            origin: str) -> None:
        """Register a validated dataset: ``replace`` (or a new id) sets it; ``extend`` puts its
        rows on top of the existing ones, its rows winning where the keys are the same."""
        if origin != "bundled" and "item" in keys:
            self._check_items(frame, dataset_id, origin)
        encoding = frame.attrs.get("encoding")
        if origin != "bundled":  # a new dict: a copy() of this library keeps its own list
            self.user_files = {**self.user_files, origin: encoding or "table"}
        frame = frame.assign(origin=origin)
        if mode == "extend" and dataset_id in self.datasets:
            old = self.datasets[dataset_id].frame
            old_keys = old[keys].apply(tuple, axis=1)
            new_keys = set(frame[keys].apply(tuple, axis=1))
            frame = pd.concat([old[~old_keys.isin(new_keys)], frame], ignore_index=True)
        merged = dict(self.datasets[dataset_id].meta) if dataset_id in self.datasets else {}
        merged.update({k: v for k, v in meta.items() if v})
        merged.update(id=dataset_id, origin=origin, **({"encoding": encoding} if encoding else {}))
        self.datasets[dataset_id] = Dataset(dataset_id, keys, frame, merged)

    def _check_items(self, frame: pd.DataFrame, dataset_id: str, origin: str) -> None:
        """Every item of a user's rows is an item greentex knows (or one the bundled dataset of
        that id already holds): a misspelt item would otherwise never be used, silently."""
        kind = "benchmark" if dataset_id not in self.datasets and "comparison" in frame else \
            (self.datasets[dataset_id].meta.get("kind") if dataset_id in self.datasets else None) or "factor"
        known = set(self.item_table.index) | {"total"}
        for other in self.ids(kind):  # items the bundled sets of that kind name (COD 'out', ...)
            if "item" in self.datasets[other].frame:
                known |= set(self.datasets[other].frame["item"])
        unknown = ~frame["item"].isin(known)
        if unknown.any():
            i = int(unknown.to_numpy().argmax())
            item = frame["item"].iloc[i]
            close = self.resolve_item(str(item)) or ", ".join(self.suggest_items(str(item)))
            raise GreentexError(f"row {i + 2}: unknown item '{clip(item)}'", file=origin,
                                hint=(f"did you mean {close}? " if close else "")
                                + "items are listed by `greentex factors show items`")

    # -- names ---------------------------------------------------------------------------
    def _build_item_index(self, aliases: pd.DataFrame) -> None:
        index: dict[str, str] = {}
        for row in self.items.itertuples(index=False):
            for name in (row.item, row.label_en, row.label_zh):
                index[match_key(name)] = row.item
        known = set(self.items["item"])
        for row in aliases.itertuples(index=False):
            if row.item not in known:
                raise GreentexError(f"item_aliases.csv: alias '{row.alias}' points to unknown item '{row.item}'")
            index[match_key(row.alias)] = row.item
        self._item_index = index
        self.item_table = self.items.set_index("item")

    def resolve_item(self, label: str) -> str | None:
        """Canonical item id for a name as written (English or Chinese), or None."""
        return self._item_index.get(match_key(label))

    def suggest_items(self, label: str, n: int = 3) -> list[str]:
        """Closest known names, for an error message."""
        keys = difflib.get_close_matches(match_key(label), list(self._item_index), n=n, cutoff=0.5)
        return sorted({self._item_index[k] for k in keys})

    def item_units(self, item: str) -> list[str]:
        """Canonical units of an item, first is the default (e.g. steam: t, GJ)."""
        return self.item_table.at[item, "units"].split(";")

    def _build_site_key_index(self) -> None:
        index: dict[str, str] = {}
        for row in self.site_keys.itertuples(index=False):  # the first row naming it wins
            index.setdefault(match_key(row.key), row.key)
            index.setdefault(match_key(row.alias), row.key)
        self._site_key_index = index

    def resolve_site_key(self, label: str) -> str | None:
        """Canonical Site key for a name as written, or None."""
        return self._site_key_index.get(match_key(label))

    def site_value_keys(self) -> list[str]:
        """Site keys whose values come from a closed list (site_values.csv and the datasets)."""
        return [k for k in dict.fromkeys(self.site_value_table["key"]) if k != "*"]

    def site_values(self, key: str) -> list[str]:
        """The ids a Site key takes: grids and treatments from their datasets, the others from
        site_values.csv."""
        if key == "grid":
            return sorted(set(self.dataset("cn_grid_electricity").frame["grid"]))
        if key == "wastewater_treatment":
            ds = self.dataset("wastewater_ch4").frame
            return list(ds.loc[ds["parameter"] == "mcf", "treatment"])
        t = self.site_value_table
        return list(dict.fromkeys(t.loc[t["key"] == key, "value"]))

    def resolve_site_value(self, key: str, text: str) -> tuple[str | None, str]:
        """(id, note) of a Site value as written (华东电网 -> east, 好氧 -> aerobic_poorly_managed
        with the note saying why), or (None, '') when not understood. A grid may carry a year
        (华东:2022); words such as 电网, 区域, 省, 企业, 方式 around the value are dropped."""
        value, sep, year = normalize_text(text).replace("：", ":").partition(":")
        t = self.site_value_table
        rows = t[t["key"] == key]
        ids = {match_key(v): v for v in self.site_values(key)}
        table = {match_key(a): (v, n) for a, v, n in zip(rows["alias"], rows["value"], rows["note"])}
        affixes = sorted((match_key(a) for a in t.loc[t["key"] == "*", "alias"]), key=len, reverse=True)
        for k in _affix_variants(match_key(value), affixes):
            hit = (ids[k], "") if k in ids else table.get(k)
            if hit:
                return hit[0] + (f":{year.strip()}" if sep and year.strip() else ""), hit[1]
        return None, ""

    @property
    def parameters(self) -> list[str]:
        """The Factors-sheet parameters (coefficient, ncv, emission_factor ...), in file order."""
        return list(dict.fromkeys(self._parameter_index.values()))

    def resolve_parameter(self, label: str) -> str | None:
        """Canonical Factors-sheet parameter for a name as written (``emission_factor``,
        ``Emission factor``, 排放因子 ...), or None."""
        return self._parameter_index.get(match_key(label))

    def resolve_province(self, label) -> str | None:
        """ISO 3166-2 code (``CN-JS``) of a Chinese province as written: 江苏, 江苏省, Jiangsu, CN-JS."""
        key = match_key(str(label or ""))
        if not key:
            return None
        for code, row in self.provinces.iterrows():
            if key in {match_key(v) for v in (code, row["name"], row["name_zh"], row["short_zh"], row["grid"]) if v}:
                return code
        return None

    def copy(self) -> "FactorLibrary":
        """A copy whose dataset list can grow (user benchmark files) without touching this one."""
        import copy

        other = copy.copy(self)
        other.datasets = dict(self.datasets)
        other.user_names = dict(self.user_names)
        return other

    def ids(self, kind: str) -> list[str]:
        """Dataset ids of one kind: 'factor' or 'benchmark'."""
        return [i for i, d in self.datasets.items() if (d.meta.get("kind") or "factor") == kind]

    def dataset(self, dataset_id: str) -> Dataset:
        try:
            return self.datasets[dataset_id]
        except KeyError:
            raise GreentexError(f"no dataset '{dataset_id}'",
                                hint=f"known datasets: {', '.join(self.datasets)}") from None


def _affix_variants(key: str, affixes: list[str]) -> list[str]:
    """``key`` and the forms left by dropping affixes from its ends (华东区域电网 -> 华东)."""
    out, todo = [key], [key]
    while todo:
        k = todo.pop()
        for a in affixes:
            for cut in ([k[:-len(a)]] if k.endswith(a) and k != a else []) + \
                    ([k[len(a):]] if k.startswith(a) and k != a else []):
                if cut not in out:
                    out.append(cut)
                    todo.append(cut)
    return out


def is_names_file(path: Path) -> bool:
    """A CSV whose columns are label and item (optionally note, source): a names file (--names)."""
    if path.suffix.lower() != ".csv":
        return False
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        head = {c.strip().lower() for c in fh.readline().split(",")}
    return {"label", "item"} <= head and "value" not in head


def _alias_index(table: pd.DataFrame, key: str, name: str) -> dict[str, str]:
    """{matched alias: canonical name} of a (``key``, alias) table; the canonical name is an
    alias of itself. An alias written twice for two names is an error in the data."""
    index: dict[str, str] = {}
    for canon, alias in zip(table[key], table["alias"]):
        for text in (canon, alias):
            k = match_key(text)
            if index.setdefault(k, canon) != canon:
                raise GreentexError(f"{name}: '{text}' names both {index[k]} and {canon}")
    return index


_LOADED: dict[tuple, FactorLibrary] = {}


def load_library(user_paths: list[str | Path] | tuple = ()) -> FactorLibrary:
    """The bundled library overlaid with ``user_paths``, read and validated once per process for
    the same files (a batch over many mills reads the user's datasets once, not once a mill); a
    changed file is read again."""
    key = tuple(_stamp(Path(p)) for p in user_paths)
    if key not in _LOADED:
        if user_paths:  # the user's files over a copy of the bundled library, not a second read of it
            lib = load_library().copy()
            for path in user_paths:
                lib._add_user(Path(path))
        else:
            lib = FactorLibrary()
        _LOADED[key] = lib
    return _LOADED[key]


def _stamp(path: Path) -> tuple:
    """A path with the modification times of it and the files it holds."""
    files = sorted(path.glob("*")) if path.is_dir() else [path]
    return (str(path.resolve()),) + tuple((f.name, f.stat().st_mtime_ns) for f in files if f.exists())
