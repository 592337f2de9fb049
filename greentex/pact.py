"""Product carbon footprints in the PACT data model.

PACT (WBCSD Partnership for Carbon Transparency), Technical Specifications for PCF Data Exchange
version 2.3.3 (2025-12-11), §5 Data Model: ProductFootprint and CarbonFootprint.

One footprint per product category and calendar year of the input, per kilogram of product:
the mill's own scope 1 and market-based scope 2 (gate-to-gate), shared between products by the
project's allocation rule (greentex.intensity; the same shares as the intensities), divided by
the year's output in kg. Upstream materials, chemicals, fuels' upstream emissions and transport
are outside the boundary and declared so in the footprint's own fields.

Data quality (§5.2 primaryDataShare and dqi, §5.3 DataQualityIndicators; required, with
biogenicCarbonWithdrawal and biogenicAccountingMethodology, for reference periods that include
2025-01-01 or later, and written for every period). The inputs are the footprint's emission lines
grouped by source and factor; those above 5 % of the footprint are rated from 1 (best) to 3 and
averaged weighted by their emissions; coveragePercent is their share of the footprint. greentex's
rule (a 1-3 reading of the PACT Methodology's matrix: version 2 rates emission factors on
technological, geographical and temporal and activity data on completeness and reliability, 1 to
3, per the PACT Methodology Checklists of April 2025, p. 17,
https://wbcsd.github.io/tr/websitedocs/PACT_Methodology_Alignment_Checklists.pdf; see _ratings):
  technological: 1 the mill's own factor (Factors sheet) or exact chemistry (carbonate, refrigerant
     GWP); 2 a published default for the same fuel or process
  geographical:  1 own or exact; 2 a Chinese national factor for a mill in China; 3 a global (IPCC)
     default, or a national factor of another country
  temporal:      1 own or exact, or the factor's data year within 1 year of the reference year;
     2 within 2 years; 3 older, or the data year unknown
  completeness:  1 the input has a ledger row in every month of the reference period; 2 in at
     least half of them; 3 fewer
  reliability:   2: the mill's own meter readings and invoices, not verified (greentex cannot see
     a verification, which 1 needs)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

import greentex
from greentex.assessment import allocated
from greentex.errors import GreentexError
from greentex.factors import bundled_dir, load_library, match_key, read_lookup
from greentex.units import conversion_factor, same_dimension

SPEC_VERSION = "2.3.3"
SPEC = "PACT Technical Specifications for PCF Data Exchange 2.3.3"
CHARACTERIZATION_SETS = ("AR5", "AR6")  # the values §5.2 CarbonFootprint.characterizationFactors allows
SCOPES = ("scope1", "scope2_market")  # gate-to-gate, scope 2 market-based
LOCATION_SCOPES = ("scope1", "scope2_location")  # shown beside it in the comment
BIOGENIC_SOURCES = ("wastewater_ch4",)  # CH4 from organic matter in the wastewater: biogenic, not CO2
NON_EMISSION_PARAMETERS = ("coefficient", "primary_coefficient", "standard_product_coefficient")
LIFECYCLE_FIELDS = ("created", "updated", "version", "status", "statusComment", "precedingPfIds")
_ID_SEED = "greentex PACT ProductFootprint"
MASS_ROLES = {"gsm", "width", "mass_per_length"}  # Products or Production sheet columns giving a product's mass
PACT_TABLES = ("cn_provinces.csv", "cpc_products.csv")  # lookup tables in factors/ that only the export reads
DQI_THRESHOLD = 5.0  # % of the footprint: inputs above it are rated (§5.3: "inputs representing >5%")
RELIABILITY = 2.0  # ledger data, not verified: see the module docstring
EXACT_DATASETS = ("carbonates", "gwp", "refrigerant_blends")  # chemistry and physics: same everywhere and always
CN_DATASETS = ("cn_grid_electricity", "heat_factors", "gbt2589_coefficients")
BIOGENIC_METHOD = "GHGP"  # §5.2 biogenicAccountingMethodology: GHG Protocol (as crossSectoralStandards)
CO2_PER_C = 44.0095 / 12.011  # kg CO2 per kg C, standard atomic weights (IUPAC 2021: C 12.011, O 15.999)

BOUNDARY = (
    "Gate-to-gate: the mill's own dyeing and finishing processes, from the receipt of greige fabric or "
    "yarn to the finished product at the mill gate. Included: fuel combustion, process CO2 from "
    "carbonates, CH4 from on-site wastewater treatment and other scope 1 sources reported, and "
    "purchased electricity and heat (scope 2, market-based). Not included (outside this boundary): "
    "fibre, yarn and greige fabric, dyes and chemicals, packaging, the upstream emissions of fuels and "
    "electricity, inbound and outbound transport, capital goods.")
EXEMPTED = (
    "No emission source inside the gate-to-gate boundary was left out. The upstream stages named in "
    "boundaryProcessesDescription are outside the declared boundary, not exemptions: a cradle-to-gate "
    "footprint must add them from the suppliers' footprints.")

DQI_NOTE = (
    "dqi: the emission lines above 5 % of the footprint, rated 1 (best) to 3 and weighted by their "
    "emissions: technological and geographical 1 for the mill's own factors and exact chemistry, "
    "2 for Chinese national defaults, 3 (geographical) for IPCC global defaults; temporal by the "
    "factor's data year (1 within 1 year of the reference year, 2 within 2, 3 older or unknown); "
    "completeness by the months of the reference period with a ledger row (1 all, 2 half or more, "
    "3 fewer); reliability 2 (the mill's meter readings and invoices, not verified).")
CARBON_NOTE = (
    "fossilCarbonContent and biogenicCarbonContent are 0 because they are not reported, not because "
    "the product holds no carbon: the carbon of a fabric is in its fibres (cotton's is biogenic, "
    "polyester's fossil), which come from upstream of this gate-to-gate boundary and whose shares "
    "the mill did not give (Products sheet columns 'biogenic carbon' and 'fossil carbon', % of the "
    "product's mass); take them from the fibre or fabric supplier's footprint. "
    "biogenicCarbonWithdrawal is therefore 0 as well.")
CARBON_GIVEN = (
    "fossilCarbonContent and biogenicCarbonContent: the carbon shares of the product's mass given by "
    "the mill (Products sheet); biogenicCarbonWithdrawal = -44.0095/12.011 x biogenicCarbonContent. "
    "The CO2 taken up by the fibre crop is upstream of this gate-to-gate boundary and is not "
    "counted in pCfIncludingBiogenic.")


def footprints(assessment, *, previous: list[dict] | None = None, now: dt.datetime | None = None) -> list[dict]:
    """ProductFootprint dicts (PACT 2.3.3) for each product category and calendar year of
    ``assessment``; values in kgCO2e per kg of product. ``previous``: the footprints exported
    before (same ids are updated, see _lifecycle). Raises GreentexError naming what is missing."""
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    gwp = assessment.options.get("gwp")
    if gwp not in CHARACTERIZATION_SETS:
        raise GreentexError(f"PACT footprints take AR5 or AR6 characterisation factors, not {gwp}",
                            hint="run with --gwp AR6 (or AR5)")
    inv = assessment.inventory
    file = inv.source.get("name")
    company, company_ids = _company(assessment.site, file, inv.source.get("sheets", {}).get("site"))
    geography = _geography(assessment.site, file)
    products = _products(assessment, company_ids[0])
    years = _yearly(assessment, products)
    common = _common(assessment, gwp, geography)
    out = []
    for (product, year), y in sorted(years.items()):
        p = products[product]
        kg = y["output"] * p["kg_per_unit"]
        pf = {
            "id": stable_id(company_ids[0], product, year, gwp, *sorted(geography.items())),
            "specVersion": SPEC_VERSION,
            "version": 1,
            "created": _stamp(now),
            "status": "Active",
            "companyName": company,
            "companyIds": company_ids,
            "productDescription": p["description"],
            "productIds": p["ids"],
            "productCategoryCpc": p["cpc"],
            "productClassifications": [f"urn:cpc:{p['cpc']}"],
            "productNameCompany": p["name"],
            "comment": _comment(assessment, y, kg, p),
            "pcf": {
                "declaredUnit": "kilogram",
                "unitaryProductAmount": "1",
                "productMassPerDeclaredUnit": "1",
                "pCfExcludingBiogenic": _decimal(y["total"] * 1000 / kg),
                "pCfIncludingBiogenic": _decimal(y["total"] * 1000 / kg),
                "fossilGhgEmissions": _decimal((y["total"] - y["biogenic"]) * 1000 / kg),
                "fossilCarbonContent": _decimal(p["carbon"]["fossil"]),
                "biogenicCarbonContent": _decimal(p["carbon"]["biogenic"]),
                "dLucGhgEmissions": "0",
                "landManagementGhgEmissions": "0",
                "otherBiogenicGhgEmissions": _decimal(y["biogenic"] * 1000 / kg),
                "biogenicCarbonWithdrawal": _decimal(-CO2_PER_C * p["carbon"]["biogenic"]),
                **common,
                "referencePeriodStart": _stamp(_month_start(y["first"])),
                "referencePeriodEnd": _stamp(_month_start(y["last"], 1)),
                **geography,
                "allocationRulesDescription": _allocation_text(assessment, p),
                "primaryDataShare": float(100.0 * y["primary"] / y["total"]) if y["total"] > 0 else 0.0,
                "dqi": y["dqi"],
            },
        }
        out.append(pf)
    return _lifecycle(out, previous or [], now)


# -- identity ----------------------------------------------------------------------------------

def stable_id(*parts) -> str:
    """A PfId (§5.30 #dt-pfid: UUID v4 layout, RFC 9562) made from ``parts`` instead of random bits, so the
    same mill, product, year and method always get the same id."""
    digest = hashlib.sha256("|".join(map(str, (_ID_SEED,) + parts)).encode("utf-8")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _company(site: dict, file, sheet) -> tuple[str, list[str]]:
    """(companyName, companyIds) from the Site sheet's name and company_id."""
    sheet = sheet or "Site"
    name = str(site.get("name") or "").strip()
    if not name:
        raise GreentexError("no company name for the footprints", file=file, sheet=sheet,
                            hint="add a Site row 'name' (企业名称) with the legal name of the mill")
    raw = str(site.get("company_id") or "").strip()
    if not raw:
        raise GreentexError("no company id for the footprints", file=file, sheet=sheet,
                            hint="add a Site row 'company_id' (统一社会信用代码): the 18-character unified "
                                 "social credit code, or a URN such as urn:pact:company:customcode:buyer-assigned:4321")
    ids = []
    for part in raw.replace("；", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if part.lower().startswith("urn:"):
            ids.append(part)
        elif len(part) == 18 and part.isalnum():  # GB 32100-2015 unified social credit code
            ids.append(f"urn:pact:company:customcode:vendor-assigned:{part.upper()}")
        else:
            raise GreentexError(f"company_id '{part}' is neither a URN nor an 18-character unified social credit code",
                                file=file, sheet=sheet, hint="write the 统一社会信用代码 or a URN (urn:...)")
    return name, list(dict.fromkeys(ids))


def _geography(site: dict, file) -> dict:
    """geographyCountrySubdivision (ISO 3166-2, e.g. CN-JS) when the province is known, else
    geographyCountry: §5.2.1 (#dt-carbonfootprint-scope) allows only one of them."""
    country = str(site.get("country") or "CN").strip().upper()
    province = str(site.get("province") or "").strip()
    if country != "CN" or not province:
        return {"geographyCountry": country}
    table = read_lookup(bundled_dir(), "cn_provinces.csv")
    names = {match_key(str(v)): r.code for r in table.itertuples(index=False)
             for v in (r.code, r.name, r.name_zh, r.short_zh)}
    code = names.get(match_key(province))
    if code is None:
        raise GreentexError(f"province '{province}' is not a province of China", file=file, sheet="Site",
                            hint="write it as 江苏 / Jiangsu / CN-JS; the names are in factors/cn_provinces.csv")
    return {"geographyCountrySubdivision": code}


# -- products --------------------------------------------------------------------------------

def _products(assessment, company_key: str) -> dict[str, dict]:
    """For each product category of the Production sheet: name, ids, CPC code, description and
    kg per unit of output (from the Products sheet where given)."""
    inv = assessment.inventory
    lib = load_library()
    pr = assessment.details.get("production")
    if pr is None or not len(pr):
        raise GreentexError("no production: a footprint is per kilogram of product", file=inv.source.get("name"),
                            hint="fill the Production sheet (产量)")
    sheet = _products_sheet(inv.products)
    masses = _products_sheet(inv.product_masses)
    cpc = read_lookup(bundled_dir(), "cpc_products.csv").set_index("product")["cpc"].to_dict()
    act = inv.activity[inv.activity["domain"] == "production"]
    written = dict(zip(act["item"][::-1], act["label"][::-1]))  # each product's first name as written
    out = {}
    for product, grp in pr.groupby("item", sort=True):
        given = sheet.get(product, {})
        unit = grp["unit"].iloc[0]
        label_en, label_zh = (lib.item_table.at[product, c] for c in ("label_en", "label_zh"))
        code = given.get("cpc") or cpc.get(product)
        if not code:
            raise GreentexError(f"no CPC code for '{product}'", file=inv.source.get("name"), sheet=_sheet_name(inv, "products"),
                                hint="add its UN CPC 2.1 code in a Products sheet column 'cpc'")
        pid = given.get("product_id")
        out[product] = {
            "name": given.get("name") or str(written.get(product) or label_en),
            "ids": [pid] if pid else [f"urn:uuid:{stable_id(company_key, product)}"],
            "cpc": str(code),
            "description": f"{label_en} ({label_zh}), dyed and finished; output reported in {unit}"
                           + (f"; {given['mass_note']}" if given.get("mass_note") else ""),
            "kg_per_unit": _kg_per_unit(product, unit, given if MASS_ROLES & given.keys() else
                                        _production_mass(inv, masses, product), inv),
            "unit": unit,
            "carbon": {kind: _carbon(given, f"{kind}_carbon") for kind in ("fossil", "biogenic")},
        }
    return out


def _production_mass(inv, masses: dict[str, dict], product: str) -> dict:
    """The mass of ``product`` from the Production sheet's columns, or the error the reader kept
    for it (two masses for one category, a cell that is not a number)."""
    problems = inv.product_masses.attrs.get("problems", {}) if inv.product_masses is not None else {}
    for key in ("", product):
        if key in problems:
            raise problems[key]
    return masses.get(product, {})


def _products_sheet(frame: pd.DataFrame | None) -> dict[str, dict]:
    """The rows of the Products sheet (or of the Production sheet's mass columns) by product
    category, mass columns with their units."""
    if frame is None or not len(frame):
        return {}
    a = frame.attrs
    out = {}
    for rec in frame.to_dict("records"):
        item = rec["item"]
        if item in out:
            raise GreentexError(f"a second row for {item}", file=a["file"], sheet=a["sheet"],
                                cell=f"{a['letters']['product']}{rec['row']}",
                                hint="give each product category one row (footprints are per category)")
        pid = rec.get("product_id")
        if pid and not pid.lower().startswith("urn:"):
            raise GreentexError(f"product id '{pid}' is not a URN", file=a["file"], sheet=a["sheet"],
                                cell=f"{a['letters']['product_id']}{rec['row']}",
                                hint="write it as urn:pact:<your domain>:supplier-id:<code>, urn:gtin:<GTIN> ...")
        rec = {k: v for k, v in rec.items() if not (isinstance(v, float) and np.isnan(v)) and v is not None}
        rec["units"], rec["where"] = a["units"], (a["file"], a["sheet"], a["letters"], rec["row"])
        out[item] = rec
    return out


def _kg_per_unit(product: str, unit: str, given: dict, inv) -> float:
    """kg of product per unit of output: 1 t = 1000 kg; by length from 'mass per length', or
    from gsm x width; by area from gsm."""
    if same_dimension(unit, "kg"):
        return conversion_factor(unit, "kg")
    units = given.get("units", {})
    if same_dimension(unit, "m") and "mass_per_length" in given:
        return _positive(given, "mass_per_length") * conversion_factor(units["mass_per_length"], f"kg/({unit})")
    if same_dimension(unit, "m") and "gsm" in given and "width" in given:
        return (_positive(given, "gsm") * _positive(given, "width")
                * conversion_factor(f"({units['gsm']})*({units['width']})", f"kg/({unit})"))
    if same_dimension(unit, "m**2") and "gsm" in given:
        return _positive(given, "gsm") * conversion_factor(units["gsm"], f"kg/({unit})")
    what = ("kg per 100 m (百米重), or gsm [g/m2] (克重) and width [cm] (幅宽)" if same_dimension(unit, "m")
            else "gsm [g/m2] (克重)")
    file, sheet, cell = inv.source.get("name"), _sheet_name(inv, "products"), None
    if "where" in given:
        file, sheet, letters, row = given["where"]
        cell = f"A{row}"
    elif inv.products is None:
        sheet = _sheet_name(inv, "production")
    raise GreentexError(f"'{product}' is reported in {unit}: its footprint per kg needs its mass, which is missing",
                        file=file, sheet=sheet, cell=cell,
                        hint=f"give it {what} in columns of the Production sheet, or a row in a Products "
                             f"sheet (产品信息)")


def _carbon(given: dict, role: str) -> float:
    """kg of carbon per kg of product from the Products sheet column ``role`` (a mass fraction,
    e.g. 40 %); 0 when not given: greentex does not know the fibres (see CARBON_NOTE)."""
    if role not in given:
        return 0.0
    v = float(given[role]) * conversion_factor(given["units"][role], "dimensionless")
    if not 0 <= v <= 1:
        file, sheet, letters, row = given["where"]
        raise GreentexError(f"{role.replace('_', ' ')} content {v:.4g} kg per kg is not between 0 and 100 %",
                            file=file, sheet=sheet, cell=f"{letters[role]}{row}",
                            hint="write the carbon as a share of the product's mass, e.g. 40 %")
    return v


def _sheet_name(inv, kind: str) -> str:
    """The name of the workbook's sheet of ``kind`` (e.g. 产品信息 for products), else the English one."""
    if kind == "products" and inv.products is not None:
        return inv.products.attrs.get("sheet", "Products")
    return inv.source.get("sheets", {}).get(kind, kind.capitalize())


def _positive(given: dict, role: str) -> float:
    v = float(given[role])
    if not v > 0:
        file, sheet, letters, row = given["where"]
        raise GreentexError(f"{role} must be greater than 0", file=file, sheet=sheet, cell=f"{letters[role]}{row}")
    return v


# -- the numbers -------------------------------------------------------------------------------

def _yearly(assessment, products: dict) -> dict[tuple[str, str], dict]:
    """{(product, year): tCO2e total / biogenic / primary / location-based, output in the
    product's unit, first and last month}, each allocated by the assessment's shares."""
    d, inv = assessment.details, assessment.inventory
    file = inv.source.get("name")
    shares = d.get("allocation")
    if shares is None:
        why = next((i.message for i in assessment.issues if i.key == "no_allocation"), "no allocation")
        raise GreentexError(f"the emissions cannot be shared between the products: {why}", file=file, sheet="Site",
                            hint="add a Site row 'allocation' (分摊比例), e.g. woven_fabric: 0.6; knit_fabric: 0.4")
    ghg = d.get("ghg")
    if ghg is None or not len(ghg):
        raise GreentexError("no emissions were computed", file=file, hint="fill the Energy sheet (能源)")
    missing = ghg[ghg["scope"].isin(SCOPES) & ghg["tco2e"].isna()]
    if len(missing):
        raise GreentexError(f"{missing['source_name'].iloc[0]} could not be computed in {missing['period'].iloc[0]}",
                            file=file, hint="see the Data issues of `greentex report`: a factor is missing")
    in_scope = ghg[ghg["scope"].isin(SCOPES)]
    frames = [(in_scope, "tco2e"), (in_scope[in_scope["source_name"].isin(BIOGENIC_SOURCES)], "tco2e"),
              (in_scope[in_scope["factor_status"] == "user"], "tco2e"),
              (ghg[ghg["scope"].isin(LOCATION_SCOPES)], "tco2e")]
    (total, _), (bio, _), (primary, _), (location, _) = allocated(frames, shares)
    inputs = _inputs(assessment, in_scope)
    rated = allocated([(g, "tco2e") for g, _ in inputs], shares)
    pr = d["production"]
    periods = list(shares.index)
    sums = in_scope.groupby("period")["tco2e"].sum()
    outside = sorted(set(sums[sums != 0].index) - set(periods))
    if outside:
        raise GreentexError(f"the emissions of {', '.join(outside)} cannot be shared: no production row that month",
                            file=file, sheet=_sheet_name(inv, "production"),
                            hint="enter the output of that month (0 if none), or tag its energy rows with a product")
    if pr.groupby("item")["unit"].nunique().max() > 1:
        raise GreentexError("the output of a product is reported in two kinds of unit", file=file,
                            sheet=_sheet_name(inv, "production"), hint="report each product in one unit (t, or 100 m)")
    out = {}
    for product in shares.columns:
        bad = [m for m, v in zip(periods, total[product]) if np.isnan(v)]
        if bad:
            raise GreentexError(f"the emissions of {', '.join(bad)} cannot be shared: no production that month",
                                file=file, sheet=_sheet_name(inv, "production"),
                                hint="enter the output of that month, or tag its energy rows with a product")
        rows = pr[pr["item"] == product]
        output = rows.groupby("period")["input_quantity"].sum().reindex(periods, fill_value=0.0)
        for year in sorted({m[:4] for m in periods}):
            k = np.array([m[:4] == year for m in periods])
            made = [m for m in np.array(periods)[k] if output[m] > 0]
            if not made:
                if total[product][k].sum() != 0:
                    raise GreentexError(f"emissions of {year} are allocated to {product}, which made nothing that year",
                                        file=file, sheet="Site", hint="change the Site allocation shares, or tag the rows with "
                                        "the product they were used for")
                continue
            used = [m for m in np.array(periods)[k] if output[m] > 0 or total[product][periods.index(m)] != 0]
            grid = in_scope[(in_scope["source_name"] == "electricity_market") & in_scope["period"].str.startswith(year)]
            inside = k & np.array([min(used) <= m <= max(used) for m in periods])
            lines = [dict(q, tco2e=float(a[product][k].sum()), months=int(has[inside].sum()))
                     for (_, q), (a, has) in zip(inputs, rated)]
            out[(product, year)] = {
                "dqi": dqi(lines, _months(min(used), max(used)), int(year)),
                "total": float(total[product][k].sum()), "biogenic": float(bio[product][k].sum()),
                "primary": float(primary[product][k].sum()), "location": float(location[product][k].sum()),
                "output": float(output[k].sum()), "first": min(used), "last": max(used),
                "grid": sorted({f"{f:g} {u} ({src})" for f, u, src in
                                zip(grid["factor"], grid["factor_unit"], grid["factor_source"])})}
    return out


# -- data quality --------------------------------------------------------------------------------

def _inputs(assessment, in_scope: pd.DataFrame) -> list[tuple[pd.DataFrame, dict]]:
    """The footprint's inputs: its emission lines grouped by source and factor, each with its
    factor's ratings (module docstring)."""
    f = assessment.factors
    known = list(zip(f["source"], f["dataset"], f["note"].astype(str))) if len(f) else []
    country = str(assessment.site.get("country") or "CN").strip().upper()
    keys = ["source_name", "factor_status", "factor_source"]
    return [(g, _ratings(status, [(d, s, n) for s, d, n in known if s and s in str(source)], country))
            for (_, status, source), g in in_scope.groupby(keys, dropna=False, sort=True)]


def _ratings(status: str, parts: list[tuple[str, str, str]], country: str) -> dict:
    """Technological and geographical rating (1-3) of a line's factor and its data year (0:
    timeless, None: unknown); ``parts``: (dataset, source, note) of the factors it combines. The
    mill's own (status user) and exact ones (chemistry, GWPs) rate 1."""
    datasets = {d for d, _, _ in parts}
    if status == "user" or (datasets and datasets <= set(EXACT_DATASETS)):
        return {"technological": 1, "geographical": 1, "data_year": 0}
    chinese = bool(datasets) and all(d in CN_DATASETS or d in EXACT_DATASETS
                                     or (d == "fuel_properties" and "NDRC" in s) for d, s, _ in parts)
    years = [int(y) for _, _, n in parts for y in re.findall(r"data year (\d{4})", n)]
    return {"technological": 2, "geographical": 2 if chinese and country == "CN" else 3,
            "data_year": min(years) if years else None}


def dqi(lines: list[dict], months: int, year: int) -> dict:
    """DataQualityIndicators (§5.3) of a footprint from its input ``lines`` (each: tco2e, the
    ratings of _ratings and the number of ``months`` of the reference period with a row): the
    inputs above DQI_THRESHOLD % of the footprint, averaged weighted by their emissions."""
    total = sum(max(x["tco2e"], 0.0) for x in lines)
    big = [x for x in lines if total > 0 and x["tco2e"] > total * DQI_THRESHOLD / 100]
    weights = np.array([x["tco2e"] for x in big])
    if not big:  # nothing emitted: rate what there is, unweighted
        big, weights = lines, np.ones(len(lines))
    if not big:
        raise GreentexError("the footprint has no input to rate", hint="fill the Energy sheet (能源)")

    def mean(scores) -> float:
        return round(float(np.dot(weights, scores) / weights.sum()), 4)

    return {"coveragePercent": round(float(100.0 * weights.sum() / total), 4) if total > 0 else 0.0,
            "technologicalDQR": mean([x["technological"] for x in big]),
            "temporalDQR": mean([_temporal(x["data_year"], year) for x in big]),
            "geographicalDQR": mean([x["geographical"] for x in big]),
            "completenessDQR": mean([1 if x["months"] >= months else 2 if 2 * x["months"] >= months else 3
                                     for x in big]),
            "reliabilityDQR": RELIABILITY}


def _temporal(data_year: int | None, year: int) -> int:
    """1: timeless or within 1 year of the reference year; 2: within 2 years; 3: older or unknown."""
    if data_year == 0:
        return 1
    if data_year is None:
        return 3
    gap = abs(year - data_year)
    return 1 if gap <= 1 else 2 if gap <= 2 else 3


def _months(first: str, last: str) -> int:
    """Calendar months from ``first`` to ``last`` (YYYY-MM), both counted."""
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def _common(assessment, gwp: str, geography: dict) -> dict:
    """The CarbonFootprint fields that are the same for every product."""
    f = assessment.factors
    secondary = f[(f["status"] != "user") & ~f["parameter"].isin(NON_EMISSION_PARAMETERS)] if len(f) else f
    lib = load_library()
    sources = []
    for ds in sorted(set(secondary["dataset"])) if len(secondary) else []:
        meta = lib.datasets[ds].meta if ds in lib.datasets else {}
        sources.append({"name": meta.get("title") or ds, "version": meta.get("edition") or "as bundled"})
    common = {
        "characterizationFactors": gwp,
        "ipccCharacterizationFactorsSources": [gwp],
        "crossSectoralStandardsUsed": ["GHG Protocol Product standard"],
        "crossSectoralStandards": ["GHGP-Product"],
        "boundaryProcessesDescription": BOUNDARY,
        "exemptedEmissionsPercent": 0.0,
        "exemptedEmissionsDescription": EXEMPTED,
        "packagingEmissionsIncluded": False,
        "biogenicAccountingMethodology": BIOGENIC_METHOD,
    }
    if sources:
        common["secondaryEmissionFactorSources"] = sources
    return common


def _allocation_text(assessment, p: dict) -> str:
    shares = assessment.details["allocation"]
    site = assessment.site
    if len(shares.columns) == 1:
        rule = "The mill makes one product category: all of its emissions are this product's."
    elif site.get("allocation"):
        rule = f"Untagged emissions shared by the mill's stated shares ({site['allocation']})."
    else:
        rule = "Untagged emissions shared by each product's share of the month's output (same unit)."
    return ("Emissions on rows tagged with a product go to that product. " + rule
            + f" Per kilogram: the year's allocated emissions divided by the year's output in kg "
              f"({p['kg_per_unit']:g} kg per {p['unit']}).")


def _comment(assessment, y: dict, kg: float, p: dict) -> str:
    how = " and ".join(y["grid"]) or "no purchased electricity"
    src = assessment.inventory.source
    return (f"Gate-to-gate footprint of the mill (scope 1 and scope 2), computed by greentex "
            f"{greentex.__version__} from {src.get('name')} (SHA-256 {src.get('sha256')}), "
            f"{y['first']} to {y['last']}: {y['total']:.6g} tCO2e allocated to {y['output']:,.6g} {p['unit']} "
            f"= {kg:,.1f} kg. Scope 2 market-based: purchased electricity x {how}; location-based it would "
            f"be {y['location'] * 1000 / kg:.6g} kgCO2e/kg. Primary data share: emissions computed with the "
            "mill's own measured factors (Factors sheet); lines with default factors count as secondary. "
            + DQI_NOTE + " " + (CARBON_GIVEN if any(p["carbon"].values()) else CARBON_NOTE))


# -- lifecycle ---------------------------------------------------------------------------------

def _content(pf: dict) -> dict:
    """What a change is measured on: everything but the lifecycle fields and the comment (which
    names the input file and greentex version)."""
    return {k: v for k, v in pf.items() if k not in LIFECYCLE_FIELDS and k != "comment"}


def _lifecycle(new: list[dict], previous: list[dict], now: dt.datetime) -> list[dict]:
    """§6 Product Footprint Lifecycle against the footprints exported before: an unchanged
    footprint keeps its version and times; one whose values changed (same id: same mill, product,
    year and method) gets version + 1 and ``updated``; one whose method changed (new id, same
    product and reference period) lists the old id in ``precedingPfIds`` and the old one comes
    back once more as ``Deprecated``. Previous footprints not touched are kept as they were."""
    stamp = _stamp(now)
    ours = {c for pf in new for c in pf["companyIds"]}
    other = next((pf for pf in previous if not ours & set(pf.get("companyIds", ()))), None)
    if new and other is not None:
        raise GreentexError(f"the previous footprints include those of {other.get('companyName')} "
                            f"({', '.join(other.get('companyIds', ()))}), not of this mill",
                            hint="give the file exported for this mill, or check the Site company_id")
    by_id = {pf["id"]: pf for pf in previous}
    by_scope = {_scope(pf): pf for pf in previous if pf.get("status") == "Active"}
    out, touched = [], set()
    new_ids = {pf["id"] for pf in new}
    for pf in new:
        old = by_id.get(pf["id"])
        if old is not None and old.get("status") == "Deprecated":
            raise GreentexError(f"footprint {pf['id']} ({pf['productNameCompany']}, {pf['pcf']['referencePeriodStart'][:4]}) "
                                "is Deprecated in the previous export and must not change (PACT §6)",
                                hint="export with the options of the footprint that replaced it")
        if old is not None:
            touched.add(old["id"])
            pf["created"] = old["created"]
            if _content(old) == _content(pf):
                pf["version"] = old["version"]
                for k in ("updated", "precedingPfIds"):
                    if k in old:
                        pf[k] = old[k]
            else:
                pf["version"] = int(old["version"]) + 1
                pf["updated"] = stamp
                pf["statusComment"] = "Values recalculated from updated activity data or factors."
                if "precedingPfIds" in old:
                    pf["precedingPfIds"] = old["precedingPfIds"]
            out.append(pf)
            continue
        old = by_scope.get(_scope(pf))
        if old is not None and old["id"] not in new_ids:
            touched.add(old["id"])
            pf["precedingPfIds"] = [old["id"]]
            out.append(dict(old, version=int(old["version"]) + 1, updated=stamp, status="Deprecated",
                            statusComment=f"Replaced by {pf['id']} (method or geography changed)."))
        out.append(pf)
    out += [pf for pf in previous if pf["id"] not in touched | new_ids]
    return out


def _scope(pf: dict) -> tuple:
    """What a footprint is about: company, product and reference period."""
    c = pf.get("pcf", {})
    return (tuple(pf.get("companyIds", ())), tuple(pf.get("productIds", ())),
            c.get("referencePeriodStart"), c.get("referencePeriodEnd"))


def read_previous(path: str | Path) -> list[dict]:
    """Footprints exported before (a JSON array of ProductFootprints), for ``previous``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GreentexError("file not found", file=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GreentexError(f"not a JSON file ({exc})", file=str(path),
                            hint="give the footprints.json written by `greentex pact`") from None
    if not isinstance(data, list) or not all(isinstance(pf, dict) and {"id", "version", "created"} <= pf.keys()
                                             for pf in data):
        raise GreentexError("not a list of PACT ProductFootprints", file=str(path),
                            hint="give the footprints.json written by `greentex pact`")
    return data


def write_footprints(items: list[dict], path: str | Path) -> None:
    """Strict JSON (no NaN), UTF-8, written atomically."""
    from greentex.io.atomic import atomic_write_bytes

    text = json.dumps(items, ensure_ascii=False, indent=1, allow_nan=False)
    atomic_write_bytes(Path(path), text.encode("utf-8"))


# -- formats -------------------------------------------------------------------------------------

def _decimal(x: float) -> str:
    """A Decimal (§5.29 #dt-decimal: a dotted-decimal number in a JSON string), all digits, no exponent."""
    if not np.isfinite(x):
        raise GreentexError("a footprint value could not be computed", hint="see `greentex report`")
    return np.format_float_positional(float(x) + 0.0, unique=True, trim="-")


def _stamp(t: dt.datetime) -> str:
    """A DateTime (§5.27 #dt-datetime: ISO 8601 in UTC)."""
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _month_start(month: str, add: int = 0) -> dt.datetime:
    y, m = int(month[:4]), int(month[5:7]) + add
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return dt.datetime(y, m, 1, tzinfo=dt.timezone.utc)
