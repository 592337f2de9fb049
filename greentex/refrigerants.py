"""Fugitive emissions of refrigerants (scope 1): refrigerant charged or topped up in chillers,
air conditioners and cold stores replaces what leaked, so the mass charged is taken as released.

GHG Protocol: HFC releases are direct (scope 1) emissions; gases controlled by the Montreal
Protocol (CFCs, HCFCs such as R-22) are reported on their own line, outside the Kyoto-gas totals.
Emissions [tCO2e] = mass [t] x GWP, where a blend's GWP is the sum over its components of mass
fraction x the component's GWP in the chosen IPCC set (SAR, AR4, AR5, AR6).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Gas-id prefixes of Montreal Protocol gases (kept out of the Kyoto totals).
MONTREAL_PREFIXES = ("cfc", "hcfc", "halon")


def is_montreal(gas: str) -> bool:
    """True for a gas controlled by the Montreal Protocol (CFC, HCFC, halon)."""
    return str(gas).lower().startswith(MONTREAL_PREFIXES)


def blend_gwp(fractions, gwps) -> float:
    """GWP of a refrigerant [dimensionless]: sum of mass fraction [0-1] x component GWP."""
    return float(np.dot(np.asarray(fractions, dtype=float), np.asarray(gwps, dtype=float)))


def fugitive_co2e(mass_t, gwp: float):
    """Emissions [tCO2e] of refrigerant charged: mass [t] x GWP [tCO2e/t]."""
    return np.asarray(mass_t, dtype=float) * gwp


def lines(rf: pd.DataFrame, sel) -> list[dict]:
    """GHG lines of the monthly refrigerant lines ``rf`` (quantity in kg): per refrigerant, its
    Kyoto part in scope 1 (source ``refrigerant:<item>``) and its Montreal part, if any, on a line
    of its own outside the totals (source ``montreal:<item>``, scope ``outside_kyoto``)."""
    out = []
    for item, grp in rf.groupby("item", sort=True) if len(rf) else []:
        parts = sel.refrigerant(item)  # [(component, fraction Factor, GWP Factor)]
        t = grp["quantity"].to_numpy(dtype=float) / 1000.0
        for montreal, source, scope in ((False, f"refrigerant:{item}", "scope1"),
                                        (True, f"montreal:{item}", "outside_kyoto")):
            chosen = [p for p in parts if is_montreal(p[0]) == montreal]
            if not chosen:
                continue
            gwp = blend_gwp([f.value_in("dimensionless") for _, f, _ in chosen],
                            [g.value_in("dimensionless") for _, _, g in chosen])
            statuses = [x.status for _, f, g in chosen for x in (f, g)]
            out.append({**{c: grp[c].to_numpy() for c in grp.columns}, "source_name": source, "scope": scope,
                        "method": "mass charged x GWP (blend: sum of mass fraction x GWP)",
                        "activity": t, "activity_unit": "t", "factor": gwp, "factor_unit": "tCO2e/t",
                        "factor_source": "; ".join(dict.fromkeys(x.source for _, f, g in chosen for x in (f, g))),
                        "factor_status": max(statuses, key=["primary", "secondary", "derived", "user"].index),
                        "tco2e": fugitive_co2e(t, gwp)})
    return out
