"""Generate `src/drago/ingest/fit/names.json` from garmin-fit-sdk's Profile.

The FIT decoder needs a few of the FIT profile's enumerations as names (manufacturer, product,
sport, sub-sport). They are copied from Garmin's own SDK so the runtime does not depend on it.

Run: .venv/bin/python scripts/gen_fit_profile.py
"""

from __future__ import annotations

import json
from pathlib import Path

from garmin_fit_sdk import Profile

OUT = Path(__file__).resolve().parents[1] / "src/drago/ingest/fit/names.json"
TYPES = ("manufacturer", "garmin_product", "favero_product", "sport", "sub_sport")


def main() -> None:
    """Write the name tables, one object per FIT type, codes as keys."""
    version = Profile["version"]
    data: dict[str, object] = {"profile_version": f"{version['major']}.{version['minor']}"}
    for fit_type in TYPES:
        values = Profile["types"][fit_type]
        data[fit_type] = {
            str(int(k)): v for k, v in sorted(values.items(), key=lambda kv: int(kv[0]))
        }
    OUT.write_text(json.dumps(data, indent=0) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
