"""Intensities per unit of product, and the allocation rule for mills with several products.

Rule: consumption on rows tagged with a product goes to that product. Untagged consumption is
shared between products by the Site sheet's ``allocation`` shares when given; otherwise, when
every product is measured in the same unit, by each product's share of output in that period;
otherwise it cannot be shared and the intensities are not computed (an issue says why). A mill
with one product gets everything.
"""

from __future__ import annotations

import numpy as np

from greentex.errors import GreentexError


def no_output(production, total) -> np.ndarray:
    """True where ``production`` cannot carry an intensity of ``total``: zero, negative or
    missing, or so small that the ratio overflows (1e-320 hm under 1 tce is infinite)."""
    production = np.asarray(production, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.asarray(total, dtype=float) / production
    return ~(production > 0) | np.isinf(ratio)


def intensity(total, production):
    """``total`` per unit of ``production``; NaN where there is no output (no_output)."""
    total = np.asarray(total, dtype=float)
    production = np.asarray(production, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(no_output(production, total), np.nan, total / production)


def allocate(tagged, untagged, share):
    """Consumption attributed to a product: its tagged amount plus ``share`` (0-1) of the
    untagged amount. Nothing untagged adds nothing, even where the share is unknown (NaN: a
    month without output); an unknown share of something stays unknown."""
    untagged = np.asarray(untagged, dtype=float)
    with np.errstate(invalid="ignore"):
        part = np.where(untagged == 0, 0.0, np.asarray(share, dtype=float) * untagged)
    return np.asarray(tagged, dtype=float) + part


def allocation_shares(text: str, products: list[str], resolve) -> dict[str, float]:
    """The Site sheet's ``allocation`` (``woven_fabric: 0.6; knit_fabric: 0.4`` or as ledgers write
    it, ``纯棉机织布：60%；针织物：40%``) as {product id: share 0-1}. ``resolve`` turns a written
    product name into its id (raising GreentexError when it cannot). The shares must name every
    product in ``products`` and add up to 1."""
    shares = {}
    for part in str(text).replace("；", ";").replace("，", ";").replace(",", ";").split(";"):
        if not part.strip():
            continue
        name, _, val = part.replace("：", ":").partition(":")
        try:
            item = resolve(name.strip())
        except GreentexError:
            item = None
        try:
            v = float(val.strip().rstrip("%")) / (100.0 if "%" in val else 1.0)
        except ValueError:
            raise GreentexError(f"allocation '{part.strip()}' is not 'product: share'",
                                hint="write e.g. woven_fabric: 0.6; knit_fabric: 0.4") from None
        if item not in products:
            raise GreentexError(f"allocation names '{name.strip()}', which is not a product of this mill",
                                hint="products: " + ", ".join(products))
        shares[item] = v
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6 or set(shares) != set(products):
        raise GreentexError(f"allocation shares must cover every product and add up to 1 (they add up to {total:g})",
                            hint="products: " + ", ".join(products))
    return shares
