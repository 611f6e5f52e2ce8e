"""Make the `tyson/` evaluation folder from a clone of BruceLeo99/MLQS-VU-Project-Tyson.

Usage: python scripts/get_tyson.py CLONE OUT_DIR
(CLONE: `git clone https://github.com/BruceLeo99/MLQS-VU-Project-Tyson`; OUT_DIR: a punch
data folder given to `make eval-punches PUNCH_DATA=...`). Writes
OUT_DIR/tyson/{Experimental,Preliminary}/<recording>/{Accelerometer,Gyroscope}.csv and
SOURCES.md from commit `COMMIT`: the phyphox exports of the labelled punch recordings that
have both streams (the sub-01 recordings have one stream only; the no-punch controls have no
class). The repository states no licence: evaluation only, never redistributed.
scripts/punch_data.py reads the folder (`_tyson`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from clone_folder import git_files, git_show
from punch_data import TYSON_LABELS

COMMIT = "13f0f3e0426063c6af83c7d39dce522c93c9294b"
STREAMS = ("Accelerometer.csv", "Gyroscope.csv")
SOURCES = f"""# Tyson (MLQS VU project) phone punch recordings

- Repository: https://github.com/BruceLeo99/MLQS-VU-Project-Tyson, commit `{COMMIT}`,
  files `Data/Raw Data/{{Experimental,Preliminary}}/<recording>/{{Accelerometer,Gyroscope}}.csv`.
- Licence: none stated: default copyright; evaluation only, not redistributed.
- Device: phones running phyphox (iPhone 12, iPhone 13 Pro Max), 50 Hz, accelerometer in
  m/s2 (gravity included) and gyroscope in rad/s, each with its own time column.
- Labels: one punch type per ~300 s recording (jab, cross, lead/rear hook, lead/rear
  uppercut); "up to 150 punches per dataset", no count. Placement of the phone not documented.
- Kept: recordings with both streams whose name maps to a class (`punch_data.TYSON_LABELS`):
  sub-03 (Experimental) and the preliminary set.
"""


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: get_tyson.py CLONE OUT_DIR")
    clone, out = Path(sys.argv[1]), Path(sys.argv[2]) / "tyson"
    listing = git_files(clone, COMMIT, "Data/Raw Data")
    folders = sorted({str(Path(p).parent) for p in listing if Path(p).name in STREAMS})
    kept = 0
    for folder in folders:
        rec = Path(folder).name
        if rec.split("_sub-")[0] not in TYSON_LABELS:
            continue
        if not all(f"{folder}/{s}" in listing for s in STREAMS):
            continue
        dest = out / Path(folder).parent.name / rec
        dest.mkdir(parents=True, exist_ok=True)
        for s in STREAMS:
            blob = git_show(clone, COMMIT, f"{folder}/{s}")
            (dest / s).write_bytes(blob)
        kept += 1
    out.mkdir(parents=True, exist_ok=True)
    (out / "SOURCES.md").write_text(SOURCES, encoding="utf-8")
    print(f"wrote {kept} recordings to {out}")


if __name__ == "__main__":
    main()
