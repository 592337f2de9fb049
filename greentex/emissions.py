"""Greenhouse-gas emissions by source and scope.

Structure after GB/T 32151.12-2018 (textile and apparel enterprises; gases CO2 and CH4) and the
NDRC textile guideline family, with scopes as in the GHG Protocol:

- scope 1: fossil fuel combustion CO2 (energy x carbon content x oxidation x 44/12), carbonate
  process CO2 (mass x stoichiometric factor), CH4 from anaerobic wastewater treatment
  ((COD removed) x B0 x MCF, x GWP);
- scope 2: net purchased electricity x grid factor, net purchased heat x heat factor, reported
  location-based (grid average) and market-based (residual factor; certified green electricity
  at zero) side by side.
"""

from __future__ import annotations

import numpy as np

#: Mass of CO2 per mass of carbon in the guideline formula (molar masses 44 and 12).
CO2_PER_C = 44.0 / 12.0


def combustion_co2(energy_gj, carbon_content, oxidation):
    """CO2 from burning a fossil fuel [tCO2].

    Parameters
    ----------
    energy_gj : numeric
        Energy burnt: quantity x net calorific value [GJ].
    carbon_content : numeric
        Carbon content per unit of energy [tC/GJ].
    oxidation : numeric
        Carbon oxidation rate [fraction, 0-1].
    """
    return np.asarray(energy_gj, dtype=float) * carbon_content * oxidation * CO2_PER_C


def by_emission_factor(activity, emission_factor):
    """Emissions of an activity with a direct emission factor [tCO2]: activity [unit] x
    factor [tCO2/unit] (e.g. MWh x tCO2/MWh, GJ x tCO2/GJ, t x tCO2/t)."""
    return np.asarray(activity, dtype=float) * emission_factor


def wastewater_ch4(volume_m3, cod_in_mg_l, cod_out_mg_l, b0, mcf):
    """CH4 from wastewater treatment [kg CH4] = COD removed [kg] x B0 [kgCH4/kgCOD] x MCF.

    COD removed = volume [m3] x (COD in - COD out) [mg/L = g/m3] / 1000. Sludge removal and
    recovered CH4 are not deducted.
    """
    removed = np.asarray(volume_m3, dtype=float) * (np.asarray(cod_in_mg_l, dtype=float)
                                                    - np.asarray(cod_out_mg_l, dtype=float)) / 1000.0
    return removed * b0 * mcf
