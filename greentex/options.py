"""The choices that change the figures (``Options``), and what each may be. Light on purpose:
the command line builds Options before pandas and pint are loaded."""

from __future__ import annotations

from dataclasses import dataclass

from greentex.errors import GreentexError

GWP_SETS = ("SAR", "AR4", "AR5", "AR6")
ELECTRICITY_METHODS = ("calorific", "primary")
COMBUSTION_TABLES = ("cn", "ipcc")  # fuel_properties tables: Chinese guideline defaults, IPCC 2006
DEFAULT_GWP = "AR5"


@dataclass
class Options:
    """Choices that change the figures. Every one is printed in the report."""

    gwp: str = DEFAULT_GWP
    electricity_method: str = "calorific"
    grid: str | None = None  # "east", "jiangsu:2022", "carbon_market"; default: the site's province, region, nation
    combustion_defaults: str | None = None  # "cn" or "ipcc"; default: cn for a Chinese site, else ipcc
    primary_coefficient: float | None = None  # kgce/kWh, for electricity_method="primary"
    benchmarks: tuple = ()  # benchmark set ids or CSV paths; empty: the sets for the site's country
    year: int | None = None  # report this calendar year only (other months serve the comparisons)

    def check(self) -> None:
        if self.gwp not in GWP_SETS:
            raise GreentexError(f"unknown GWP set '{self.gwp}'", hint="use one of " + ", ".join(GWP_SETS))
        if self.electricity_method not in ELECTRICITY_METHODS:
            raise GreentexError(f"unknown electricity method '{self.electricity_method}'",
                                hint="use calorific (当量值) or primary (等价值)")
        if self.combustion_defaults not in (None,) + COMBUSTION_TABLES:
            raise GreentexError(f"unknown combustion defaults '{self.combustion_defaults}'",
                                hint="use cn (Chinese guideline table) or ipcc (IPCC 2006)")
