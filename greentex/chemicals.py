"""Chemical use by item and class (dyes, auxiliaries, basic chemicals), and carbonate use."""

from __future__ import annotations

import numpy as np


def carbonate_co2(mass_t, factor):
    """Process CO2 from carbonate use [tCO2] = mass of pure carbonate [t] x stoichiometric
    factor [tCO2/t] (e.g. soda ash Na2CO3: 44.009 / 105.988 = 0.4152)."""
    return np.asarray(mass_t, dtype=float) * factor
