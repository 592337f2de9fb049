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


def energy_content(quantity, ncv):
    """Energy content [GJ] of a quantity with net calorific value ``ncv`` [GJ per unit]."""
    return np.asarray(quantity, dtype=float) * ncv
