"""How a usage line measures a FLUCTUATING feature (a level, such as seats) over a window.

The level is set by reported `SET` records (and moved by `DELTA` ones); over a billing window it
may change many times. BILLING-SEMANTICS §10 bills the peak by default; a contract may bill the
level at the window's close, or the time-weighted average of the levels instead.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal

# The average is a quotient: it is rounded once, to this many places, and that quantity is
# what the line shows and prices (so the invoice can be recomputed from what it prints).
AVERAGE_PLACES = Decimal("0.000001")
_WIDE = Context(prec=80)
_MICROSECOND = timedelta(microseconds=1)


class FluctuatingUsage(enum.Enum):
    PEAK = "PEAK"  # the highest level held in the window
    LAST = "LAST"  # the level when the window closes
    TIME_WEIGHTED_AVERAGE = "TIME_WEIGHTED_AVERAGE"  # each level weighted by how long it held


def measured_level(
    measure: FluctuatingUsage,
    opening: Decimal,
    changes: Sequence[tuple[datetime, Decimal]],
    start: datetime,
    end: datetime,
) -> Decimal:
    """The window `[start, end)`'s quantity: `opening` is the level when it opens, `changes`
    the levels reached inside it, in order (several at one instant: the last one holds)."""
    if measure is FluctuatingUsage.PEAK:
        return max([opening, *(level for _, level in changes)])
    if measure is FluctuatingUsage.LAST:
        return changes[-1][1] if changes else opening
    total = Decimal(0)
    level, since = opening, start
    for at, reached in changes:
        total = _WIDE.add(total, _WIDE.multiply(level, Decimal((at - since) // _MICROSECOND)))
        level, since = reached, at
    total = _WIDE.add(total, _WIDE.multiply(level, Decimal((end - since) // _MICROSECOND)))
    average = _WIDE.divide(total, Decimal((end - start) // _MICROSECOND))
    rounded = average.quantize(AVERAGE_PLACES, rounding=ROUND_HALF_UP, context=_WIDE)
    if rounded == rounded.to_integral_value():
        return Decimal(int(rounded))  # 100, not 100.000000 (nor normalize()'s 1E+2)
    return rounded.normalize(_WIDE)
