"""Intensities per unit of product, and the allocation rule for mills with several products.

Rule: consumption on rows tagged with a product goes to that product. Untagged consumption is
shared between products by the Site sheet's ``allocation`` shares when given; otherwise, when
every product is measured in the same unit, by each product's share of output in that period;
otherwise it cannot be shared and the intensities are not computed (an issue says why). A mill
with one product gets everything.
"""

from __future__ import annotations

import numpy as np


def intensity(total, production):
    """``total`` per unit of ``production``; NaN where production is zero or missing."""
    total = np.asarray(total, dtype=float)
    production = np.asarray(production, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(production > 0, total / production, np.nan)


def allocate(tagged, untagged, share):
    """Consumption attributed to a product: its tagged amount plus ``share`` (0-1) of the
    untagged amount. Nothing untagged adds nothing, even where the share is unknown (NaN: a
    month without output); an unknown share of something stays unknown."""
    untagged = np.asarray(untagged, dtype=float)
    with np.errstate(invalid="ignore"):
        part = np.where(untagged == 0, 0.0, np.asarray(share, dtype=float) * untagged)
    return np.asarray(tagged, dtype=float) + part
