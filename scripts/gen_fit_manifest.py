"""Write tests/data/fit/index.yml: each sample FIT file, its source, and reference facts.

Facts come from fitdecode 0.11 (garmin-fit-sdk for the file fitdecode refuses), never from
drago itself, and each entry says which decoder gave them. Sources and licences are parsed
from the SOURCES.md tables beside the files. Run: .venv/bin/python scripts/gen_fit_manifest.py

A device-relative start (an int below 0x10000000, as in garmin-fr70) comes out raw: drago
anchors it on the activity's local time, so edit that entry's start by hand (see its comment).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import fitdecode
import garmin_fit_sdk
import yaml
from garmin_fit_sdk import Decoder, Stream

ROOT = Path(__file__).resolve().parents[1] / "tests/data/fit"
SDK_ONLY = {"coros-pace2-ride-misaligned-fields.fit"}  # fitdecode refuses it, Garmin's SDK not
#: Records `read(path, recover=True)` must give for each damaged file (None: refused anyway),
#: from the "records decoded before failure" column of bad/SOURCES.md, except where noted.
RECOVERED = {
    "bad-chained-corrupt-second-header.fit": 14,
    "bad-chained-second-file-crc.fit": 14,  # the first, CRC-verified part only
    "bad-chained-second-file-no-data.fit": 14,
    "bad-empty-activities-crc.fit": None,
    "bad-file-crc.fit": 14,
    "bad-not-fit-gpx-content.fit": None,
    "bad-sigma-truncated-no-crc.fit": 14391,
    "bad-strava-android-undefined-local-msg.fit": 473,
    "bad-unexpected-eof.fit": 14,
    "bad-gpx-waypoint-only.gpx": None,
}


def _table(md: Path) -> dict[str, dict[str, str]]:
    """Rows of the markdown table in `md`, keyed by file name."""
    rows = [line.strip().strip("|").split("|") for line in md.read_text().splitlines()]
    rows = [[c.strip() for c in r] for r in rows if len(r) > 5]
    header, body = rows[0], [r for r in rows[2:] if r[0]]
    return {r[0]: dict(zip(header, r, strict=False)) for r in body}


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _elements(value: Any) -> tuple[Any, ...]:
    """An array field's elements (fitdecode gives a single element as a scalar)."""
    if value is None:
        return ()
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _fitdecode_facts(path: Path) -> dict[str, Any]:
    records = hr = gps = rr = 0
    sessions = []
    with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "record":
                records += 1
                hr += frame.get_value("heart_rate", fallback=None) is not None
                gps += frame.get_value("position_lat", fallback=None) is not None
            elif frame.name == "hrv":
                rr += sum(v is not None for v in _elements(frame.get_value("time", fallback=None)))
            elif frame.name == "session":
                sub = frame.get_value("sub_sport", fallback=None)
                sessions.append(
                    {
                        "sport": str(frame.get_value("sport", fallback=None)),
                        "sub_sport": None if sub is None else str(sub),
                        "start": _iso(frame.get_value("start_time", fallback=None)),
                    }
                )
    return {
        "reference": f"fitdecode {fitdecode.__version__}",
        "records": records,
        "hr_records": hr,
        "gps_records": gps,
        "rr_intervals": rr,
        "sessions": sessions,
    }


def _sdk_facts(path: Path) -> dict[str, Any]:
    messages, errors = Decoder(Stream.from_file(str(path))).read()
    assert not errors, errors
    recs = messages.get("record_mesgs", [])
    sessions = [
        {
            "sport": str(s.get("sport")),
            "sub_sport": None if s.get("sub_sport") is None else str(s.get("sub_sport")),
            "start": _iso(s.get("start_time")),
        }
        for s in messages.get("session_mesgs", [])
    ]
    rr = sum(v is not None for m in messages.get("hrv_mesgs", []) for v in _elements(m.get("time")))
    return {
        "reference": f"garmin-fit-sdk {garmin_fit_sdk.__version__}",
        "records": len(recs),
        "hr_records": sum(r.get("heart_rate") is not None for r in recs),
        "gps_records": sum(r.get("position_lat") is not None for r in recs),
        "rr_intervals": rr,
        "sessions": sessions,
    }


def main() -> None:
    """Write the manifest."""
    valid_src = _table(ROOT / "SOURCES.md")
    bad_src = _table(ROOT / "bad/SOURCES.md")
    valid = []
    for path in sorted(ROOT.glob("*.fit")):
        row = valid_src[path.name]
        facts = _sdk_facts(path) if path.name in SDK_ONLY else _fitdecode_facts(path)
        valid.append(
            {
                "file": path.name,
                "source": f"{row['source repo @ commit']}: {row['path in repo']}",
                "licence": row["licence"],
                "device": row["maker / product"],
                "segments": int(row["segments"]),
                "notes": row.get("notes") or None,
                **facts,
            }
        )
    bad = []
    for path in sorted(p for p in (ROOT / "bad").iterdir() if p.name != "SOURCES.md"):
        row = bad_src[path.name]
        bad.append(
            {
                "file": path.name,
                "source": f"{row['source repo @ commit']}: {row['path in repo']}",
                "licence": row["licence"],
                "problem": row["what is wrong"],
                "recovered_records": RECOVERED[path.name],
                "reference": "fitdecode 0.11.0 records decoded before the failure "
                "(bad/SOURCES.md); the chained CRC case keeps only the verified part",
            }
        )
    header = (
        "# Sample FIT files and the facts drago must reproduce; generated by\n"
        "# scripts/gen_fit_manifest.py from fitdecode / garmin-fit-sdk (see `reference`).\n"
        "# tests/test_fit.py is parametrised over it; a file without an entry fails a test.\n"
    )
    text = yaml.safe_dump({"valid": valid, "bad": bad}, sort_keys=False, allow_unicode=True)
    (ROOT / "index.yml").write_text(header + text)
    print(f"wrote {ROOT / 'index.yml'}: {len(valid)} valid, {len(bad)} bad")


if __name__ == "__main__":
    main()
