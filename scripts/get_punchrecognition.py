"""Make the `punchrecognition/` evaluation folder from a clone of ELI20ZIVI/PunchRecognition.

Usage: python scripts/get_punchrecognition.py CLONE OUT_DIR
(CLONE: `git clone https://github.com/ELI20ZIVI/PunchRecognition`; OUT_DIR: a punch data
folder, e.g. one given to `make eval-punches PUNCH_DATA=...`). Writes
OUT_DIR/punchrecognition/{data/*.csv, index.csv, SOURCES.md}: the six continuous IMU
recordings of `original_files/` at commit `COMMIT` (later commits removed them). The
repository states no licence: the folder is for evaluation here, never redistributed.
scripts/punch_data.py reads it (`_punchrec`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from clone_folder import git_show, write_indexed

COMMIT = "dbd8d958b1327ac6cce16e3442258223b4fc507f"
RATE_HZ = 200.0
#: file stem -> (drago class, hand if orthodox: lead = left, rear = right).
FILES = {
    "Lead_jab": ("straight", "left"),
    "Rear_jab": ("straight", "right"),
    "Lead_hook": ("hook", "left"),
    "Rear_hook": ("hook", "right"),
    "Lead_uppercut": ("uppercut", "left"),
    "Rear_uppercut": ("uppercut", "right"),
}
SOURCES = f"""# PunchRecognition (course project) IMU punch recordings

- Repository: https://github.com/ELI20ZIVI/PunchRecognition (a "Sport Tech" course
  project), commit `{COMMIT}` (2025-11-27), files
  `original_files/{{Lead,Rear}}_{{jab,hook,uppercut}}.csv`; removed from the repository by
  later commits.
- Licence: none stated (no LICENSE file): default copyright; evaluation only, not
  redistributed, no excerpt in drago's tests.
- Device: one 6-axis IMU, accelerometer in g (gravity included, range +-16 g: the rear
  jab's peaks reach 16.0), gyroscope in deg/s (range about +-2000 deg/s). The model is not
  named; range and rate are those of an MbientLab MetaMotion.
- Rate: 200 Hz. The files have no time column; the project's own code uses 200 Hz
  (`FS = 200`, 0.005 s per row). Checked here: between still moments the gyroscope
  integrated at 200 Hz turns the gravity vector onto the measured one (median error 2.8 deg
  in Lead_hook, 7.9 deg in Lead_uppercut; 12.8-81 deg at 50, 100 or 400 Hz).
- Placement: not documented (hand or wrist of the punching arm; the papers the project
  cites put the sensor on the wrist under the glove). Subject(s) and stance not recorded;
  one subject assumed, orthodox (Lead = left, Rear = right).
- Labels: one punch type per file (Lead/Rear x jab/hook/uppercut); jab -> straight (Rear_jab
  is a cross for an orthodox boxer), hook -> hook, uppercut -> uppercut. No labelled count
  (the project's own splitter cut 77-127 windows per file with a threshold detector: not a
  label).
"""


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: get_punchrecognition.py CLONE OUT_DIR")
    clone, out = Path(sys.argv[1]), Path(sys.argv[2]) / "punchrecognition"
    write_indexed(
        out,
        "file,source_label,drago_label,hand,subject,rate_hz",
        (
            (
                f"data/{stem}.csv",
                git_show(clone, COMMIT, f"original_files/{stem}.csv"),
                f"data/{stem}.csv,{stem},{label},{hand},punchrecognition,{RATE_HZ:g}",
            )
            for stem, (label, hand) in FILES.items()
        ),
        SOURCES,
    )


if __name__ == "__main__":
    main()
