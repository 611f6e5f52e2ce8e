"""Session-RPE load (Foster 2001): the load of a session without a heart-rate recording.

Kept apart from `drago.analysis.trimp` so that logging a session by hand does not import
NumPy (issue 19, the first keystroke).
"""

from __future__ import annotations

import math


def srpe_load(rpe: float, duration_s: float) -> float:
    """Session-RPE load in AU: CR-10 session RPE times duration in minutes (Foster 2001).

    For frames, the same formula as an expression: `pl.col("rpe") * pl.col("duration_s") / 60`.

    Examples
    --------
    An hour of sparring rated 5 ("hard") on the CR-10:

    >>> srpe_load(5, 3600)
    300.0

    References
    ----------
    Foster C., Florhaug J. A., Franklin J., Gottschall L., Hrovatin L. A., Parker S., Doleshal
    P., Dodge C. (2001) A new approach to monitoring exercise training. Journal of Strength and
    Conditioning Research 15(1), 109-115.
    """
    if not 0 <= rpe <= 10:
        raise ValueError(f"session RPE is on the CR-10 scale (0-10), not {rpe}")
    if not 0 <= duration_s < math.inf:  # NaN fails too
        raise ValueError(f"duration_s must be a finite number >= 0, not {duration_s}")
    return float(rpe) * float(duration_s) / 60.0
