"""Figures in words people read: in the active language (0,31 and 1.200 in Dutch), with no more
decimals than the figure needs, or with a fixed number of them. No model imports, so the why
check's scorer uses it where no database is configured."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats


def number(value: float | Decimal) -> str:
    """A figure in the active language without needless decimals: 3.9, not 3.90; 1,200, not
    1200.0 (in Dutch 3,9 and 1.200)."""
    digits = f"{value:.2f}".rstrip("0").rstrip(".")
    decimals = len(digits.partition(".")[2])
    rounded = round(value, decimals) if isinstance(value, Decimal) else round(float(value), decimals)
    return formats.number_format(rounded, decimals, use_l10n=True, force_grouping=True)


def fixed(value: float, places: int) -> str:
    """A figure with exactly ``places`` decimals in the active language, for scores and statistics
    read side by side: 0.30 and 0.03 (in Dutch 0,30 and 0,03)."""
    return formats.number_format(round(float(value), places), places, use_l10n=True)
