"""Make the `punchingband/` training folder from a clone of scottlerch/PunchingBand.

Usage: python scripts/get_punchingband.py CLONE OUT_DIR
(CLONE: `git clone https://github.com/scottlerch/PunchingBand`; OUT_DIR: a punch data folder,
e.g. the one given to `make train-punches PUNCH_DATA=...`). Writes
OUT_DIR/punchingband/{data/PunchData-*.csv, index.csv, SOURCES.md}: the raw right-wrist
Microsoft Band logs of commit `COMMIT` (later commits replaced them with pre-cut vectors),
Apache-2.0. scripts/punch_data.py reads the folder (`_band`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from clone_folder import git_show, write_indexed

COMMIT = "8d1bec3cdcf286f54289d86ad88651f7837e0a62"
#: file type -> drago class ('' = not used: body punches have no class here).
FILES = {"Jab": "straight", "Cross": "straight", "Hook": "hook", "UpperCut": "uppercut", "Body": ""}
SOURCES = f"""# PunchingBand (Microsoft Band wristband) punch recordings

- Repository: https://github.com/scottlerch/PunchingBand (Scott Lerch), commit `{COMMIT}`
  (2015-07-12), files `punchdata/raw/right/PunchData-*.csv`.
- Licence: Apache-2.0 (the repository's LICENSE file).
- Device: Microsoft Band worn on the right wrist; accelerometer only, in g (gravity
  included), the Band's fastest reporting interval (16 ms, 62.5 Hz), range +-8 g.
- Columns (no header): ms since logging started, ax_g, ay_g, az_g, status. The status is the
  app's own threshold punch detector, not a human label; the timestamps are host arrival
  times (pairs ~1 ms apart every ~33 ms), so drago puts the samples on an even grid at the
  file's mean rate.
- Labels: one punch type per file: Jab, Cross -> straight; Hook -> hook; UpperCut ->
  uppercut; Body (body punches, type not given) not used. No labelled count.
- One subject (the author), right hand; stance not recorded.
"""


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: get_punchingband.py CLONE OUT_DIR")
    clone, out = Path(sys.argv[1]), Path(sys.argv[2]) / "punchingband"
    write_indexed(
        out,
        "file,source_label,drago_label,hand,subject",
        (
            (
                f"data/PunchData-{kind}.csv",
                git_show(clone, COMMIT, f"punchdata/raw/right/PunchData-{kind}.csv"),
                f"data/PunchData-{kind}.csv,{kind},{label},right,scottlerch",
            )
            for kind, label in FILES.items()
        ),
        SOURCES,
    )


if __name__ == "__main__":
    main()
