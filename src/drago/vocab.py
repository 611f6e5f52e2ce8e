"""drago's shared vocabulary, declared once: hand, stance, sex, zone model, load method, the
wellness questionnaire and the kinds of RR import.

Each word is a `StrEnum` (its members are the strings stored and typed on the command line,
so a CLI option's choices come from it) and, where a pure function's signature needs a static
type, a `Literal` of the same words beside it. Analysis, lab, CLI and web import from here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Literal


class Hand(StrEnum):
    """The hand wearing a sensor (or throwing a punch)."""

    left = "left"
    right = "right"


class Stance(StrEnum):
    """A boxer's stance: orthodox leads with the left hand, southpaw with the right."""

    orthodox = "orthodox"
    southpaw = "southpaw"


class Sex(StrEnum):
    """Sex, for the TRIMP coefficients (Banister 1991)."""

    m = "m"
    f = "f"


class ZoneModel(StrEnum):
    """How HR zones are anchored: heart-rate reserve (Karvonen) or a fraction of HR max."""

    karvonen = "karvonen"
    hrmax = "hrmax"


class LoadMethod(StrEnum):
    """How a session's load is counted: `auto` is sensor TRIMP, else sRPE on the TRIMP scale."""

    auto = "auto"
    trimp = "trimp"
    edwards = "edwards"
    srpe = "srpe"


class RrKind(StrEnum):
    """What an imported RR file is: a morning readiness measurement or an activity."""

    morning = "morning"
    activity = "activity"


HandName = Literal["left", "right"]
StanceName = Literal["orthodox", "southpaw"]
SexName = Literal["m", "f"]
LoadMethodName = Literal["auto", "trimp", "edwards", "srpe"]

HANDS: Final = tuple(h.value for h in Hand)
STANCES: Final = tuple(s.value for s in Stance)
SEXES: Final = tuple(s.value for s in Sex)
ZONE_MODELS: Final = tuple(z.value for z in ZoneModel)
LOAD_METHODS: Final = tuple(m.value for m in LoadMethod)
#: How each load method reads in a title or a help text.
LOAD_METHOD_NAMES: Final[dict[str, str]] = {
    "auto": "TRIMP, else sRPE on the TRIMP scale",
    "trimp": "Banister TRIMP",
    "edwards": "Edwards TRIMP",
    "srpe": "session RPE",
}
#: The ratio the ACWR bands were drawn from (Gabbett 2016: rolling averages, coupled 7:28):
#: `acwr_band` is of this column, and every surface shows the band beside it, with the label.
ACWR_BAND_RATIO: Final = "acwr_rolling"
ACWR_BAND_LABEL: Final = "rolling 7:28, Gabbett 2016"

#: The Hooper questionnaire's items, each 1-7 with 1 best (Hooper & Mackinnon 1995).
HOOPER_ITEMS: Final = ("sleep", "stress", "fatigue", "soreness")
#: The morning wellness check: the Hooper items plus mood (same 1-7 scale).
WELLNESS_ITEMS: Final = (*HOOPER_ITEMS, "mood")
#: The wellness columns a day holds: the items and the resting HR measured that morning.
WELLNESS_COLUMNS: Final = (*WELLNESS_ITEMS, "rhr_bpm")
