"""FIT profile names (manufacturer, product, sport, sub-sport) from `names.json`.

The table is generated from garmin-fit-sdk's Profile by `scripts/gen_fit_profile.py`, so the
runtime does not depend on that package.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Final

_DATA = json.loads(resources.files(__package__).joinpath("names.json").read_text("utf-8"))


def _table(key: str) -> dict[int, str]:
    return {int(code): str(name) for code, name in _DATA[key].items()}


PROFILE_VERSION: Final[str] = _DATA["profile_version"]
MANUFACTURER: Final = _table("manufacturer")
GARMIN_PRODUCT: Final = _table("garmin_product")
FAVERO_PRODUCT: Final = _table("favero_product")
SPORT: Final = _table("sport")
SUB_SPORT: Final = _table("sub_sport")
