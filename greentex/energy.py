"""Comprehensive energy consumption after GB/T 2589-2020 (综合能耗计算通则).

Comprehensive energy consumption is the sum over energy carriers of the quantity used times the
carrier's standard-coal coefficient; energy supplied to others (exported electricity, heat or
steam) is deducted. Electricity is counted by its calorific equivalent (当量值) by default, or
by its primary-energy equivalent (等价值, a yearly coefficient the user gives) on request.
"""

from __future__ import annotations

import numpy as np

from greentex.units import conversion_factor


def standard_coal(quantity, coefficient, sign=1.0):
    """Standard coal equivalent of a carrier [kgce].

    Parameters
    ----------
    quantity : numeric
        Amount used, in the unit the coefficient is per [e.g. kWh, t, m3].
    coefficient : numeric
        Standard-coal coefficient [kgce per unit of quantity], e.g. 0.1229 kgce/kWh.
    sign : numeric
        +1 for energy used, -1 for energy exported (deducted).
    """
    return np.asarray(quantity, dtype=float) * coefficient * sign


def coefficient_from_ncv(ncv_mj_per_unit):
    """Standard-coal coefficient [kgce/unit] of a fuel from its net calorific value [MJ/unit],
    using the standard-coal definition (1 kgce = 29 307 kJ, GB/T 2589)."""
    return np.asarray(ncv_mj_per_unit, dtype=float) * conversion_factor("MJ", "kgce")


#: Relative gap between the energy a standard-coal coefficient implies and the NCV used for GJ
#: and CO2 above which the report says the two disagree (the published tables round to ~0.1 %).
NCV_TOLERANCE = 0.01


def ncv_disagreement(item: str, unit: str, coefficient: float, ncv: float) -> list:
    """[an Issue] when the energy per unit implied by the standard-coal coefficient [kgce/unit]
    (x 29.307 MJ/kgce) and the NCV [GJ/unit] differ by more than NCV_TOLERANCE, else []."""
    from greentex.errors import Issue

    implied = coefficient * conversion_factor("kgce", "GJ")
    if ncv <= 0 or abs(implied - ncv) / ncv <= NCV_TOLERANCE:
        return []
    return [Issue.of("note", "Energy", "", "ncv_coefficient", item=item, unit=unit, implied=f"{implied:.4g}",
                     ncv=f"{ncv:.4g}", gap=f"{(implied / ncv - 1) * 100:+.1f}")]


def energy_content(quantity, ncv):
    """Energy content [GJ] of a quantity with net calorific value ``ncv`` [GJ per unit]."""
    return np.asarray(quantity, dtype=float) * ncv
