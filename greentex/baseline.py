"""Energy baselines, savings and tracking against a baseline (ISO 50006 style).

A baseline model explains a mill's monthly energy [tce] by its relevant variables ("drivers"):
its output and any further columns of an optional ``Drivers`` sheet (degree days, operating
days ...)::

    E[month] = b0 + b1 x driver1[month] + b2 x driver2[month] + ...        [tce per month]

fitted by ordinary least squares over the baseline months (at least 12), for the total and for
each energy carrier. Output is one driver, ``production``, when every product is measured in one
unit (the sum of the products); one driver per product, ``production:<product>``, otherwise.

For each term: value, unit, standard error (the square root of the diagonal of
sigma² (X'X)⁻¹, sigma² = residual sum of squares / (n - k)) and the two-sided p-value of its t
statistic. For each model: R², adjusted R² = 1 - (1 - R²)(n - 1)/(n - k), and the p-value of the
F test of all drivers together. Validity after the rules of the U.S. DOE EnPI tool as issue 7
states them (not checked against the DOE manual): R² >= 0.5, F-test p < 0.10 and every driver's
p < 0.2; an invalid model says why.

Tracking, for every month of the reporting period with the drivers known:

- expected = the model at that month's drivers [tce];
- savings = expected - actual [tce], with its standard error sigma sqrt(1 + x0'(X'X)⁻¹x0)
  (the prediction error of one new month: the month's own noise and the model's);
- CUSUM = running sum of actual - expected [tce] (it falls while the mill saves);
- EnPI = actual / expected (below 1: better than the baseline).

Over the whole reporting period the savings are the sum, with standard error
sigma sqrt(m + s'(X'X)⁻¹s), s = the sum of the m months' driver rows (months' noises independent,
the model's error shared), and a 90 % interval t(0.95, n - k) x that standard error.

Drivers of a reporting month outside the range they had in the baseline months are flagged:
the model is then extrapolating.

The t and F distributions come from the regularized incomplete beta function (a continued
fraction evaluated with the modified Lentz method, Numerical Recipes 3rd ed. §6.4), so greentex
needs no statistics package.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from greentex.errors import GreentexError, Issue
from greentex.inventory import DriverTable
from greentex.labels import message
from greentex.periods import month_mask

R2_MIN = 0.5          # DOE EnPI rule: R² at least 0.5
F_P_MAX = 0.10        # DOE EnPI rule: F-test p-value below 0.10
DRIVER_P_MAX = 0.2    # DOE EnPI rule: every driver's p-value below 0.2
MIN_MONTHS = 12
ENERGY_UNIT = "tce"
TRACKING_COLUMNS = ["period", "item", "actual", "expected", "savings", "savings_stderr", "cusum", "enpi", "unit"]
SUMMARY_COLUMNS = ["item", "months", "actual", "expected", "savings", "savings_stderr", "savings_ci90",
                   "savings_pct", "enpi", "unit"]
RANGE_COLUMNS = ["period", "driver", "value", "low", "high", "unit"]


# -- the t and F distributions ---------------------------------------------------------------

def _betacf(a: float, b: float, x: float, eps: float = 1e-15, itmax: int = 1000) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz's method)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, itmax + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))       # even step
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))  # odd step
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            return h
    raise ArithmeticError(f"incomplete beta: no convergence for a={a}, b={b}, x={x}")


def betainc(a: float, b: float, x: float, y: float | None = None) -> float:
    """Regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 <= x <= 1.

    ``y`` may give 1 - x where the caller knows it more precisely than 1 - x computes.
    I_x(a, b) = 1 - I_(1-x)(b, a); the continued fraction is used on the side where it
    converges fast (x < (a + 1) / (a + b + 2)).
    """
    if not (a > 0 and b > 0):
        raise ValueError("betainc needs a > 0 and b > 0")
    if math.isnan(x):
        return math.nan
    y = 1.0 - x if y is None else y
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, y) / b


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with ``df`` degrees of freedom (dimensionless)."""
    if math.isnan(t) or df <= 0:
        return math.nan
    if math.isinf(t):
        return 0.0
    t2 = t * t
    return betainc(df / 2.0, 0.5, df / (df + t2), t2 / (df + t2))


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    p = t_two_sided_p(t, df)
    return 1.0 - p / 2.0 if t >= 0 else p / 2.0


def f_sf(f: float, d1: float, d2: float) -> float:
    """P(F >= f) for the F distribution with (d1, d2) degrees of freedom (the F-test p-value)."""
    if math.isnan(f) or d1 <= 0 or d2 <= 0:
        return math.nan
    if f <= 0:
        return 1.0
    if math.isinf(f):
        return 0.0
    return betainc(d2 / 2.0, d1 / 2.0, d2 / (d2 + d1 * f), d1 * f / (d2 + d1 * f))


def _invert(sf, target: float) -> float:
    """The x > 0 with sf(x) = target, sf decreasing from 1 (at 0) to 0: bracket, then bisect."""
    lo, hi = 0.0, 1.0
    while sf(hi) > target:
        lo, hi = hi, hi * 2.0
        if hi > 1e12:
            return math.inf
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if sf(mid) > target:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * hi:
            break
    return (lo + hi) / 2.0


def t_ppf(q: float, df: float) -> float:
    """The t with P(T <= t) = q (the quantile of Student's t; t_ppf(0.975, 10) = 2.228)."""
    if not 0.0 < q < 1.0:
        raise ValueError("t_ppf needs 0 < q < 1")
    if q == 0.5:
        return 0.0
    if q < 0.5:
        return -t_ppf(1.0 - q, df)
    return _invert(lambda t: t_two_sided_p(t, df), 2.0 * (1.0 - q))


def f_ppf(q: float, d1: float, d2: float) -> float:
    """The f with P(F <= f) = q (the quantile of F(d1, d2); f_ppf(0.95, 2, 10) = 4.10)."""
    if not 0.0 < q < 1.0:
        raise ValueError("f_ppf needs 0 < q < 1")
    return _invert(lambda f: f_sf(f, d1, d2), 1.0 - q)


# -- least squares -----------------------------------------------------------------------------

@dataclass
class Fit:
    """Ordinary least squares of y on X (X's first column is the intercept's ones)."""

    coef: np.ndarray       # per column of X, in y's unit per the column's unit
    stderr: np.ndarray     # same units as coef
    p: np.ndarray          # two-sided t-test p-values
    cov_unscaled: np.ndarray  # (X'X)^-1
    sigma: float           # standard error of the regression [y's unit]
    n: int
    k: int                 # columns of X (intercept included)
    r2: float
    adj_r2: float
    f: float
    f_p: float

    @property
    def df(self) -> int:
        return self.n - self.k

    def predict(self, x0: np.ndarray) -> np.ndarray:
        """Expected y for rows of drivers ``x0`` (with the leading 1)."""
        return np.atleast_2d(x0) @ self.coef

    def prediction_stderr(self, x0: np.ndarray) -> np.ndarray:
        """Standard error of y - expected for each new row: sigma sqrt(1 + x0'(X'X)^-1 x0)."""
        x0 = np.atleast_2d(x0)
        h = np.einsum("ij,jk,ik->i", x0, self.cov_unscaled, x0)
        return self.sigma * np.sqrt(1.0 + h)

    def sum_stderr(self, x0: np.ndarray) -> float:
        """Standard error of the sum over new rows of y - expected: sigma sqrt(m + s'(X'X)^-1 s),
        s = the rows' sum (independent monthly noise, one shared model error)."""
        x0 = np.atleast_2d(x0)
        s = x0.sum(axis=0)
        return float(self.sigma * math.sqrt(len(x0) + s @ self.cov_unscaled @ s))


def ols(X: np.ndarray, y: np.ndarray) -> Fit:
    """Least squares through a QR decomposition (X = QR, (X'X)^-1 = R^-1 R^-T).

    Needs more rows than columns and X of full column rank (checked by the caller).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = X.shape
    q, r = np.linalg.qr(X)
    coef = np.linalg.solve(r, q.T @ y)
    r_inv = np.linalg.solve(r, np.eye(k))
    cov = r_inv @ r_inv.T
    resid = y - X @ coef
    sse = float(resid @ resid)
    df = n - k
    sigma2 = sse / df
    stderr = np.sqrt(np.clip(np.diag(cov), 0.0, None) * sigma2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = coef / stderr
    t = np.where((stderr == 0) & (coef == 0), np.nan, t)
    p = np.array([t_two_sided_p(float(v), df) for v in t])
    sst = float(((y - y.mean()) ** 2).sum())
    if sst > 0 and sst > 1e-24 * float((y ** 2).sum()):
        r2 = 1.0 - sse / sst
        adj = 1.0 - (1.0 - r2) * (n - 1) / df
        ssr = sst - sse
        f = math.inf if sigma2 == 0 else (ssr / (k - 1)) / sigma2
        f_p = f_sf(f, k - 1, df) if k > 1 else math.nan
    else:  # y does not vary: there is nothing to explain
        r2 = adj = f = f_p = math.nan
    return Fit(coef, stderr, p, cov, math.sqrt(sigma2), n, k, r2, adj, f, f_p)


def _below(value: float, limit: float) -> str:
    """``value`` with 3 decimals, or as many more as it takes to show it is below ``limit``."""
    for decimals in range(3, 12):
        text = f"{value:.{decimals}f}"
        if float(text) < limit:
            return text
    return repr(value)


def validity_reasons(r2: float, f_p: float, driver_p: dict) -> list[tuple[str, dict]]:
    """Why a model is not valid after the DOE EnPI rules (R² >= 0.5, F-test p < 0.10, each
    driver's p < 0.2), as (message key, values) pairs of greentex/labels.csv; none when valid."""
    reasons = []
    if r2 != r2:
        reasons.append(("r2_none", {}))
    elif r2 < R2_MIN:
        reasons.append(("r2_low", {"r2": _below(r2, R2_MIN), "limit": R2_MIN}))
    if f_p != f_p:
        if r2 == r2:
            reasons.append(("f_none", {}))
    elif not f_p < F_P_MAX:
        reasons.append(("f_high", {"p": f"{f_p:.3g}", "limit": F_P_MAX}))
    for name, p in driver_p.items():
        if p != p:
            reasons.append(("driver_p_none", {"driver": name}))
        elif not p < DRIVER_P_MAX:
            reasons.append(("driver_p_high", {"driver": name, "p": f"{p:.3g}", "limit": DRIVER_P_MAX}))
    return reasons


def validity(r2: float, f_p: float, driver_p: dict) -> tuple[bool, list[str]]:
    """(valid, reasons in English) after the DOE EnPI rules; see validity_reasons."""
    reasons = [message(key, **values) for key, values in validity_reasons(r2, f_p, driver_p)]
    return not reasons, reasons


# -- cumulative tracking ---------------------------------------------------------------------

def savings(actual, expected) -> np.ndarray:
    """Savings [energy unit] = expected - actual (positive: less energy than the baseline predicts)."""
    return np.asarray(expected, dtype=float) - np.asarray(actual, dtype=float)


def cusum(actual, expected) -> np.ndarray:
    """Running sum of actual - expected [energy unit]; it falls while the mill saves."""
    return np.cumsum(np.asarray(actual, dtype=float) - np.asarray(expected, dtype=float))


def enpi(actual, expected) -> np.ndarray:
    """EnPI = actual / expected (dimensionless; NaN where nothing is expected)."""
    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(e != 0, a / e, np.nan)


# -- periods and drivers ---------------------------------------------------------------------

def months_of(spec) -> list[str]:
    """Months of ``FROM..TO`` (each end a month as the workbook takes it: 2023-01, Jan 2023,
    2023年1月), of a year (``2023``), or of a list of months."""
    from greentex.inventory import parse_period

    if isinstance(spec, (list, tuple)):
        return sorted({parse_period(m) for m in spec})
    text = str(spec).strip()
    hint = "write FROM..TO, e.g. 2023-01..2023-12, or a year such as 2023"
    if text.isdigit() and len(text) == 4:
        first, last = f"{text}-01", f"{text}-12"
    else:
        parts = [p.strip() for p in text.split("..")]
        if len(parts) != 2 or not all(parts):
            raise GreentexError(f"period '{spec}' is not FROM..TO", hint=hint)
        try:
            first, last = parse_period(parts[0]), parse_period(parts[1])
        except GreentexError as exc:
            raise GreentexError(f"period '{spec}': {exc.message}", hint=hint) from None
    if first > last:
        raise GreentexError(f"period '{spec}' ends before it starts", hint=hint)
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def read_drivers(path: str | Path) -> DriverTable | None:
    """The ``Drivers`` sheet (also 驱动因素) of a workbook, or None when there is none: read,
    with the rest of the workbook, by greentex.io.workbook.read_workbook."""
    from greentex.io.workbook import read_workbook

    return read_workbook(path).drivers


def _slope_unit(unit: str) -> str:
    from greentex.units import parse_unit

    q = parse_unit(unit)
    if q.dimensionless and q.magnitude == 1:
        return ENERGY_UNIT
    simple = unit.replace("_", "").isalnum()
    return f"{ENERGY_UNIT}/{unit}" if simple else f"{ENERGY_UNIT}/({unit})"


# -- the analysis ----------------------------------------------------------------------------

@dataclass
class Model:
    """The baseline model of one item (``total`` or a carrier)."""

    item: str
    terms: list[str]
    units: list[str]
    fit: Fit
    months: list[str]
    reason_keys: list = field(default_factory=list)  # validity_reasons(): why it is not valid

    @property
    def valid(self) -> bool:
        return not self.reason_keys

    @property
    def reasons(self) -> list[str]:
        """Why the model is not valid, in English."""
        return [message(key, **values) for key, values in self.reason_keys]

    def why(self, lang: str = "en") -> str:
        """The reasons the model is not valid, in ``lang``, joined by '; '."""
        return "; ".join(message(key, lang, **values) for key, values in self.reason_keys)

    def as_dict(self) -> dict:
        f = self.fit
        return {"item": self.item,
                "terms": [{"term": t, "value": float(v), "unit": u, "stderr": float(s), "p": float(p)}
                          for t, u, v, s, p in zip(self.terms, self.units, f.coef, f.stderr, f.p)],
                "r2": f.r2, "adj_r2": f.adj_r2, "f_p": f.f_p, "valid": self.valid, "reasons": self.reasons,
                "n": f.n, "sigma": f.sigma, "unit": ENERGY_UNIT,
                "baseline_months": [self.months[0], self.months[-1]] if self.months else []}


@dataclass
class BaselineResult:
    """Models, tracking, savings and flags of one baseline analysis."""

    assessment: object
    baseline_months: list[str]
    reporting_months: list[str]
    drivers: list[str]
    driver_units: dict
    models: list[Model]
    tracking: pd.DataFrame
    summary: pd.DataFrame
    out_of_range: pd.DataFrame
    data: pd.DataFrame
    issues: list = field(default_factory=list)
    spec: dict = field(default_factory=dict)

    def model(self, item: str = "total") -> Model | None:
        return next((m for m in self.models if m.item == item), None)

    def terms(self, lang: str = "en") -> pd.DataFrame:
        """One row per item and term: value, unit, stderr, p and the model's R², adjusted R², F p,
        validity and the reasons (in ``lang``)."""
        rows = []
        for m in self.models:
            for t, u, v, s, p in zip(m.terms, m.units, m.fit.coef, m.fit.stderr, m.fit.p):
                rows.append({"item": m.item, "term": t, "value": v, "unit": u, "stderr": s, "p": p,
                             "r2": m.fit.r2, "adj_r2": m.fit.adj_r2, "f_p": m.fit.f_p, "valid": m.valid,
                             "reasons": m.why(lang), "n": m.fit.n})
        return pd.DataFrame(rows, columns=["item", "term", "value", "unit", "stderr", "p", "r2", "adj_r2", "f_p",
                                           "valid", "reasons", "n"])


def energy_table(assessment) -> pd.DataFrame:
    """Monthly energy [tce], period x item (``total`` first), from the assessment's metrics."""
    m = assessment.metrics
    e = m[(m.metric == "energy") & month_mask(m.period)]
    if e.empty:
        return pd.DataFrame()
    t = e.pivot(index="period", columns="item", values="value")  # one row per item and month: a month not computed stays NaN
    carriers = [c for c in t.columns if c != "total"]
    size = e[e.item != "total"].groupby("item")["value"].apply(lambda s: s.abs().sum())
    carriers.sort(key=lambda c: -size.get(c, 0.0))
    return t[(["total"] if "total" in t.columns else []) + carriers].sort_index()


def production_drivers(assessment) -> tuple[pd.DataFrame, dict]:
    """(period x driver, {driver: unit}) of output: ``production`` = the sum when all products share
    one unit, else ``production:<product>`` per product. Empty when there is no production."""
    m = assessment.metrics
    p = m[(m.metric == "production") & month_mask(m.period)]
    if p.empty:
        return pd.DataFrame(), {}
    units = p.groupby("item")["unit"].first()
    t = p.pivot(index="period", columns="item", values="value")
    if len(set(units)) == 1:
        return pd.DataFrame({"production": t.sum(axis=1, min_count=1)}), {"production": units.iloc[0]}
    t.columns = [f"production:{c}" for c in t.columns]
    return t, {f"production:{i}": u for i, u in units.items()}


def energy_baseline(assessment, baseline_period, period=None, drivers: DriverTable | None = None) -> BaselineResult:
    """Fit the baseline models and track the reporting period. See the module docstring.

    ``drivers`` defaults to the Drivers sheet read with the assessed workbook.

    ``baseline_period`` and ``period``: ``FROM..TO`` text, a year, or a list of months; ``period``
    defaults to the months with data after the baseline. Raises GreentexError (naming the input
    file) when the baseline has fewer than 12 months of data or a driver is missing in a baseline month.
    """
    if drivers is None:
        drivers = assessment.inventory.drivers
    try:
        return _energy_baseline(assessment, baseline_period, period, drivers)
    except GreentexError as exc:
        raise exc.located(file=assessment.inventory.source.get("name")) from None


def _energy_baseline(assessment, baseline_period, period, drivers) -> BaselineResult:
    issues: list[Issue] = []
    spec = {"baseline_period": str(baseline_period) if not isinstance(baseline_period, (list, tuple))
            else ",".join(baseline_period), "period": None if period is None else str(period)}
    energy = energy_table(assessment)
    if energy.empty:
        raise GreentexError("no energy data: a baseline models energy use", sheet="Energy",
                            hint="fill in the Energy sheet")
    wanted = months_of(baseline_period)
    base = [p for p in wanted if p in energy.index and not math.isnan(energy.at[p, "total"])]
    if len(base) < MIN_MONTHS:
        missing = [p for p in wanted if p not in base]
        raise GreentexError(
            f"the baseline period {wanted[0]}..{wanted[-1]} has {len(base)} month(s) of energy data; "
            f"a baseline needs at least {MIN_MONTHS}",
            sheet="Energy",
            hint=("months without data: " + ", ".join(missing[:6]) + (" ..." if len(missing) > 6 else "") + "; "
                  if missing else "") + "choose 12 or more months with data, e.g. --baseline-period 2023-01..2023-12")
    if period is None:
        report = [p for p in energy.index if p > base[-1]]
    else:
        wanted_r = months_of(period)
        report = [p for p in wanted_r if p in energy.index]
        missing = [p for p in wanted_r if p not in energy.index]
        if missing:
            issues.append(Issue.of("warning", "Energy", "", "months_not_tracked", months=", ".join(missing)))
    if not report:
        issues.append(Issue.of("note", "", "", "no_reporting_months"))

    # drivers: output, then the Drivers sheet
    prod, units = production_drivers(assessment)
    frames = [prod] if len(prod) else []
    if drivers is not None and len(drivers.values.columns):
        frames.append(drivers.values)
        units.update(drivers.units)
    if not frames:
        raise GreentexError("no driver: the baseline needs production (Production sheet) or a Drivers sheet",
                            sheet="Production", hint="fill in the monthly output")
    X_all = pd.concat(frames, axis=1)
    X_all = X_all.reindex(sorted(set(X_all.index) | set(energy.index)))
    prod_cols = list(prod.columns)
    if prod_cols:  # a product missing in a month where others ran: it made nothing that month
        have = X_all[prod_cols].notna().any(axis=1)
        X_all.loc[have, prod_cols] = X_all.loc[have, prod_cols].fillna(0.0)
    names = list(X_all.columns)
    for p in base:
        gaps = [d for d in names if math.isnan(X_all.at[p, d])]
        if gaps:
            d = gaps[0]
            if d.startswith("production"):
                raise GreentexError(f"no production in {p}, a baseline month", sheet="Production",
                                    hint="the baseline needs the output of every baseline month")
            raise GreentexError(f"no value of '{d}' for {p}, a baseline month", sheet=drivers.sheet,
                                file=drivers.file, cell=drivers.cells.get((p, d)),
                                hint="the baseline needs every driver in every baseline month")
    kept = []
    for d in names:
        col = X_all.loc[base, d].to_numpy(dtype=float)
        if np.ptp(col) == 0:
            issues.append(Issue.of("warning", "Drivers" if not d.startswith("production") else "Production", "",
                                   "constant_driver", driver=d, value=f"{col[0]:g}"))
        else:
            kept.append(d)
    if not kept:
        raise GreentexError("no driver varies over the baseline months", hint="a baseline needs at least one "
                            "driver that changes from month to month, such as production")
    if len(kept) + 1 >= len(base):
        raise GreentexError(f"{len(kept)} drivers for {len(base)} baseline months: too many",
                            hint="use fewer drivers or a longer baseline period")
    X = np.column_stack([np.ones(len(base))] + [X_all.loc[base, d].to_numpy(dtype=float) for d in kept])
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise GreentexError("the drivers " + ", ".join(kept) + " move together over the baseline months "
                            "(one is a combination of the others)", sheet=getattr(drivers, "sheet", None),
                            hint="remove one of them from the Drivers sheet")
    term_units = [ENERGY_UNIT] + [_slope_unit(units[d]) for d in kept]
    low = X_all.loc[base, kept].min()
    high = X_all.loc[base, kept].max()

    # reporting months whose drivers are known
    rep_ok = []
    for p in report:
        gaps = [d for d in kept if math.isnan(X_all.at[p, d])]
        if gaps:
            issues.append(Issue.of("warning", "Drivers" if not gaps[0].startswith("production") else "Production",
                                   p, "driver_gap", driver=gaps[0], period=p))
        else:
            rep_ok.append(p)
    X0 = np.column_stack([np.ones(len(rep_ok))] + [X_all.loc[rep_ok, d].to_numpy(dtype=float) for d in kept]) \
        if rep_ok else np.zeros((0, len(kept) + 1))

    models, tracking, summary = [], [], []
    for item in energy.columns:
        y_all = energy[item]
        if item != "total":
            y_all = y_all.where(energy["total"].isna(), y_all.fillna(0.0))
        y = y_all.loc[base].to_numpy(dtype=float)
        if item != "total" and not np.any(y != 0):
            issues.append(Issue.of("note", "Energy", "", "not_in_baseline", item=item))
            continue
        if np.isnan(y).any():
            issues.append(Issue.of("warning", "Energy", "", "baseline_gaps", item=item))
            continue
        fit = ols(X, y)
        keys = validity_reasons(fit.r2, fit.f_p, dict(zip(kept, fit.p[1:])))
        models.append(Model(item, ["intercept"] + kept, term_units, fit, base, keys))
        if not rep_ok:
            continue
        actual = y_all.loc[rep_ok].to_numpy(dtype=float)
        expected = fit.predict(X0)
        se = fit.prediction_stderr(X0)
        tracking.append(pd.DataFrame({
            "period": rep_ok, "item": item, "actual": actual, "expected": expected,
            "savings": savings(actual, expected), "savings_stderr": se, "cusum": cusum(actual, expected),
            "enpi": enpi(actual, expected), "unit": ENERGY_UNIT}))
        s_total = float(np.sum(savings(actual, expected)))
        se_total = fit.sum_stderr(X0)
        exp_total = float(np.sum(expected))
        summary.append({"item": item, "months": len(rep_ok), "actual": float(np.sum(actual)),
                        "expected": exp_total, "savings": s_total, "savings_stderr": se_total,
                        "savings_ci90": t_ppf(0.95, fit.df) * se_total,
                        "savings_pct": s_total / exp_total * 100.0 if exp_total else math.nan,
                        "enpi": float(np.sum(actual)) / exp_total if exp_total else math.nan, "unit": ENERGY_UNIT})
    flags = []
    for p in rep_ok:
        for d in kept:
            v = float(X_all.at[p, d])
            if v < low[d] or v > high[d]:
                flags.append({"period": p, "driver": d, "value": v, "low": float(low[d]), "high": float(high[d]),
                              "unit": units[d]})
    if flags:
        issues.append(Issue.of("warning", "", "", "out_of_range", n=len(flags)))
    data = X_all.loc[sorted(set(base) | set(report)) if report else base, names].copy()
    data = data.join(energy, how="left")
    data.insert(0, "role", ["baseline" if p in base else "reporting" for p in data.index])
    data.index.name = "period"
    return BaselineResult(
        assessment=assessment, baseline_months=base, reporting_months=rep_ok, drivers=kept,
        driver_units={d: units[d] for d in kept}, models=models,
        tracking=pd.concat(tracking, ignore_index=True) if tracking else pd.DataFrame(columns=TRACKING_COLUMNS),
        summary=pd.DataFrame(summary, columns=SUMMARY_COLUMNS),
        out_of_range=pd.DataFrame(flags, columns=RANGE_COLUMNS), data=data.reset_index(), issues=issues,
        spec=spec)


def analyse_workbook(path, baseline_period, period=None, *, options=None, library=None) -> BaselineResult:
    """Read, assess and baseline a workbook (its Drivers sheet too, when it has one)."""
    from greentex.assessment import assess
    from greentex.io.workbook import read_workbook

    inv = read_workbook(path, library=library)
    return energy_baseline(assess(inv, options=options, library=library), baseline_period, period)


# -- JSON ------------------------------------------------------------------------------------

def baseline_dict(result: BaselineResult) -> dict:
    """The JSON document: version, input, site, options, baseline (one entry per modelled item:
    item, terms [{term, value, unit, stderr, p}], r2, adj_r2, f_p, valid, reasons), tracking rows
    {period, item, actual, expected, savings, savings_stderr, cusum, enpi, unit}, savings over the
    reporting period per item, out_of_range drivers and issues. Strict JSON: NaN is null."""
    from greentex.io.jsonout import document, records

    a = result.assessment
    options = dict(a.options or {})
    options.update({"baseline_period": result.spec.get("baseline_period"), "period": result.spec.get("period"),
                    "baseline_months": result.baseline_months, "reporting_months": result.reporting_months,
                    "drivers": [{"driver": d, "unit": result.driver_units[d]} for d in result.drivers]})
    return document({
        "baseline": [m.as_dict() for m in result.models],
        "tracking": records(result.tracking[TRACKING_COLUMNS]),
        "savings": records(result.summary),
        "out_of_range": records(result.out_of_range),
        "issues": [i.as_dict() for i in list(a.issues) + list(result.issues)],
    }, a, options=options)


def write_baseline_json(result: BaselineResult, path) -> None:
    """Write baseline_dict(result) as strict JSON, atomically."""
    from greentex.io.jsonout import write_document

    write_document(baseline_dict(result), path)
