"""TCX importer: real files against the manifest and tcxreader, sniffing, refusals, fuzzing."""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drago.errors import BadInput
from drago.ingest import read_file, tcx
from drago.recording import LAP_SCHEMA, RECORD_SCHEMA, Recording

FOLDER = Path(__file__).parent / "data" / "tcx"
MANIFEST: list[dict[str, Any]] = yaml.safe_load((FOLDER / "index.yml").read_text("utf-8"))["files"]
ENTRIES = {entry["file"]: entry for entry in MANIFEST}
NS = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"
SMALL = FOLDER / "sup-activity.tcx"


def tcx_doc(trackpoints: str, *, sport: str = "Running", activity_id: str = "") -> bytes:
    """A minimal TCX document around `trackpoints`."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities>'
        f'<Activity Sport="{sport}"><Id>{activity_id}</Id><Lap StartTime="2024-01-01T00:00:00Z">'
        f"<TotalTimeSeconds>10</TotalTimeSeconds><Track>{trackpoints}</Track></Lap>"
        "</Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def span_s(records: pl.DataFrame) -> float:
    """Latest minus earliest timestamp, in seconds."""
    span = pl.col("timestamp").max() - pl.col("timestamp").min()
    return float(records.select(span.dt.total_microseconds()).item()) / 1e6


def write(tmp_path: Path, data: bytes, name: str = "t.tcx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- the manifest --------------------------------------------------------------------------


def test_every_file_has_a_manifest_entry() -> None:
    on_disk = {p.name for p in FOLDER.glob("*.tcx")}
    assert on_disk == set(ENTRIES), "add every .tcx to tests/data/tcx/index.yml (and only those)"
    for entry in MANIFEST:
        assert entry["source"] and entry["licence"] and entry["from"], entry["file"]


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_file_matches_manifest(name: str) -> None:
    entry = ENTRIES[name]
    recording = tcx.read(FOLDER / name)
    records = recording.records
    assert recording.format == "tcx"
    assert records.schema == pl.Schema(RECORD_SCHEMA)
    assert recording.laps.schema == pl.Schema(LAP_SCHEMA)
    assert records.height == entry["timed_points"]
    assert records["hr_bpm"].count() == entry["hr_points"]
    assert records["lat_deg"].count() == entry["gps_points"]
    assert records["lon_deg"].count() == entry["gps_points"]
    assert records["cadence_rpm"].count() == entry["cadence_points"]
    assert span_s(records) == pytest.approx(entry["span_s"], abs=1e-6)
    assert recording.laps.height == entry["laps"]
    assert len(recording.sessions) == entry["sessions"]
    assert [s.index for s in recording.sessions] == list(range(entry["sessions"]))
    assert [s.sport for s in recording.sessions] == entry["sports"]
    assert [s.activity for s in recording.sessions] == entry["activities"]
    assert {s.device for s in recording.sessions} == {entry["device"]}
    assert recording.device == entry["device"]
    for session in recording.sessions:
        own = recording.session_records(session.index)
        assert own.height > 0
        assert session.start.tzinfo is not None
        assert session.duration_s == pytest.approx(span_s(own))


# --- the reference: tcxreader, run on each Activity --------------------------------------


def tcxreader_points(path: Path) -> list[list[Any]]:
    """tcxreader's trackpoints of each Activity (tcxreader only reads Activities/Activity,
    so each Activity, also one inside a MultiSportSession, is cut out into its own file)."""
    reader = pytest.importorskip("tcxreader.tcxreader")
    per_activity = []
    for activity in ET.parse(path).getroot().iter(NS + "Activity"):
        doc = ET.Element(NS + "TrainingCenterDatabase")
        ET.SubElement(doc, NS + "Activities").append(activity)
        with tempfile.TemporaryDirectory() as folder:
            single = Path(folder) / "one.tcx"
            ET.ElementTree(doc).write(single, encoding="utf-8", xml_declaration=True)
            exercise = reader.TCXReader().read(str(single), only_gps=False)
        per_activity.append([p for p in exercise.trackpoints if p.time is not None])
    return per_activity


def utc(moment: datetime) -> datetime:
    """tcxreader gives naive datetimes for 'Z' times and aware ones for offsets."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_every_sample_matches_tcxreader(name: str) -> None:
    recording = tcx.read(FOLDER / name)
    reference = tcxreader_points(FOLDER / name)
    assert len(recording.sessions) == len(reference)
    assert sum(map(len, reference)) == ENTRIES[name]["timed_points"]
    for session, points in zip(recording.sessions, reference, strict=True):
        rows = recording.session_records(session.index)
        assert rows["timestamp"].to_list() == [utc(p.time) for p in points]
        # tcxreader truncates heart rate to int; the files hold whole numbers.
        assert rows["hr_bpm"].to_list() == [p.hr_value for p in points]
        assert rows["lat_deg"].to_list() == [p.latitude for p in points]
        assert rows["lon_deg"].to_list() == [p.longitude for p in points]
        assert rows["altitude_m"].to_list() == [p.elevation for p in points]
        assert rows["distance_m"].to_list() == [p.distance for p in points]
        assert rows["speed_ms"].to_list() == [p.tpx_ext.get("Speed") for p in points]
        cadence = [
            p.cadence if p.cadence is not None else p.tpx_ext.get("RunCadence") for p in points
        ]
        assert rows["cadence_rpm"].to_list() == cadence


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_laps_match_the_lap_elements(name: str) -> None:
    """Lap rows against a stdlib ElementTree walk of the same file."""
    recording = tcx.read(FOLDER / name)
    expected = []
    for index, activity in enumerate(ET.parse(FOLDER / name).getroot().iter(NS + "Activity")):
        for number, lap in enumerate(activity.iter(NS + "Lap")):

            def value(path: str, lap: ET.Element = lap) -> float | None:
                text = lap.findtext(path)
                return None if text is None else float(text)

            expected.append(
                {
                    "session_index": index,
                    "lap_index": number,
                    "start": datetime.fromisoformat(lap.attrib["StartTime"]).astimezone(UTC),
                    "duration_s": value(NS + "TotalTimeSeconds"),
                    "distance_m": value(NS + "DistanceMeters"),
                    "hr_avg_bpm": value(f"{NS}AverageHeartRateBpm/{NS}Value"),
                    "hr_max_bpm": value(f"{NS}MaximumHeartRateBpm/{NS}Value"),
                }
            )
    assert recording.laps.to_dicts() == expected


def test_multi_session_file_gives_one_session_per_activity() -> None:
    recording = tcx.read(FOLDER / "goldencheetah-multi-session.tcx")
    starts = [s.start.isoformat() for s in recording.sessions]
    assert starts == [
        "2011-11-29T12:12:00+00:00",
        "2011-12-01T12:59:37+00:00",
        "2011-12-04T15:26:28+00:00",
        "2011-12-07T12:14:19+00:00",
    ]
    assert [s.timer_s for s in recording.sessions] == [3601.84, 2767.31, 3623.59, 2597.27]
    assert recording.sessions[0].distance_m == pytest.approx(7651.0292969)
    counts = recording.records.group_by("session_index", maintain_order=True).len()
    assert counts["len"].sum() == 1893 and counts.height == 4


def test_session_summary_of_a_simple_run() -> None:
    [session] = tcx.read(FOLDER / "tcxparser-test-run.tcx").sessions
    assert session.start == datetime(2012, 12, 26, 21, 29, 53, tzinfo=UTC)
    assert session.duration_s == 1992.0  # span of the trackpoint times
    assert session.timer_s == pytest.approx(1992.78)  # sum of the laps' TotalTimeSeconds
    assert session.distance_m == pytest.approx(4689.24267578)  # sum of the laps' DistanceMeters


# --- times, fields and odd files ------------------------------------------------------------


def test_times_with_offsets_fractions_and_no_zone_are_utc(tmp_path: Path) -> None:
    points = "".join(
        f"<Trackpoint><Time>{t}</Time></Trackpoint>"
        for t in (
            "2024-01-01T00:00:00Z",
            "2024-01-01T02:00:01.250+02:00",
            "2024-01-01T00:00:02.123456789Z",
            "2024-01-01T00:00:03",
            " 2024-01-01T00:00:04z ",
            "2023-12-31T23:59:59Z",
        )
    )
    recording = tcx.read(write(tmp_path, tcx_doc(points)))
    assert recording.records["timestamp"].to_list() == [
        datetime(2024, 1, 1, 0, 0, 0, tzinfo=UTC),
        datetime(2024, 1, 1, 0, 0, 1, 250000, tzinfo=UTC),
        datetime(2024, 1, 1, 0, 0, 2, 123456, tzinfo=UTC),
        datetime(2024, 1, 1, 0, 0, 3, tzinfo=UTC),
        datetime(2024, 1, 1, 0, 0, 4, tzinfo=UTC),
        datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC),  # kept in file order, not sorted
    ]
    [session] = recording.sessions
    assert session.duration_s == 5.0
    assert session.start == datetime(2024, 1, 1, tzinfo=UTC)  # the first lap (Id is empty)


def test_utf16_file_with_byte_order_mark(tmp_path: Path) -> None:
    text = tcx_doc("<Trackpoint><Time>2024-01-01T00:00:00Z</Time></Trackpoint>").decode()
    data = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert tcx.sniff(data[:4096])
    assert tcx.read(write(tmp_path, data)).records.height == 1


def test_extensions_with_other_prefixes_and_untimed_points(tmp_path: Path) -> None:
    points = (
        "<Trackpoint><Time>2024-01-01T00:00:00Z</Time><HeartRateBpm><Value>140</Value>"
        "</HeartRateBpm><Cadence>90</Cadence><Extensions>"
        '<x:TPX xmlns:x="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
        "<x:Speed>3.5</x:Speed><x:Watts>250</x:Watts></x:TPX></Extensions></Trackpoint>"
        "<Trackpoint><HeartRateBpm><Value>150</Value></HeartRateBpm></Trackpoint>"
        "<Trackpoint><Time>2024-01-01T00:00:01Z</Time><HeartRateBpm><Value>n/a</Value>"
        "</HeartRateBpm><AltitudeMeters></AltitudeMeters></Trackpoint>"
    )
    recording = tcx.read(write(tmp_path, tcx_doc(points, activity_id="2024-01-01T00:00:00Z")))
    rows = recording.records.to_dicts()
    assert len(rows) == 2  # the point without a time is dropped
    assert rows[0]["hr_bpm"] == 140 and rows[0]["cadence_rpm"] == 90
    assert rows[0]["speed_ms"] == 3.5 and rows[0]["power_w"] == 250
    assert rows[1]["hr_bpm"] is None and rows[1]["altitude_m"] is None


def test_sniff() -> None:
    head = (FOLDER / "sup-activity.tcx").read_bytes()[:4096]
    assert tcx.sniff(head)
    assert tcx.sniff(b"\xef\xbb\xbf  <!-- a -->\n<?pi x?><TrainingCenterDatabase>")
    assert tcx.sniff(b"<!DOCTYPE x [<!ENTITY a 'b'>]>\n<ns:TrainingCenterDatabase xmlns:ns='v'>")
    assert tcx.sniff("<TrainingCenterDatabase/>".encode("utf-16"))
    assert not tcx.sniff(b'<?xml version="1.0"?><gpx version="1.1">')
    assert not tcx.sniff(b"<!-- never closed <TrainingCenterDatabase>")
    assert not tcx.sniff(b"\x0e\x10\x00\x00.FIT")
    assert not tcx.sniff(b"")


@given(st.binary(max_size=300))
def test_sniff_never_raises(head: bytes) -> None:
    assert isinstance(tcx.sniff(head), bool)


# --- refusals -------------------------------------------------------------------------------


def refusal(path: Path) -> str:
    with pytest.raises(BadInput) as caught:
        tcx.read(path)
    reason = caught.value.reason
    assert "\n" not in reason and reason
    return reason


def test_no_timed_trackpoints_is_refused(tmp_path: Path) -> None:
    untimed = tcx_doc("<Trackpoint><DistanceMeters>1</DistanceMeters></Trackpoint>")
    assert refusal(write(tmp_path, untimed)).startswith("no timed samples: ")
    assert refusal(write(tmp_path, tcx_doc(""))).startswith("no timed samples: ")


def test_malformed_xml_wrong_root_and_bad_times_are_refused(tmp_path: Path) -> None:
    truncated = SMALL.read_bytes()[:5000]
    assert refusal(write(tmp_path, truncated)).startswith("not well-formed XML: ")
    assert refusal(write(tmp_path, b"")).startswith("not well-formed XML: ")
    gpx = Path(__file__).parent / "data" / "gpx" / "garmin-connect-ride-hr-riderx3.gpx"
    assert refusal(gpx) == "not a TCX file: root element is <gpx>, not <TrainingCenterDatabase>"
    bad_time = tcx_doc("<Trackpoint><Time>yesterday</Time></Trackpoint>")
    assert refusal(write(tmp_path, bad_time)).startswith("bad time 'yesterday' on line ")
    assert refusal(tmp_path / "missing.tcx").startswith("cannot read: ")


def test_entities_are_not_expanded(tmp_path: Path) -> None:
    doc = tcx_doc(
        "<Trackpoint><Time>2024-01-01T00:00:00Z</Time><Cadence>&e;</Cadence></Trackpoint>"
    )
    doc = doc.replace(b"\n", b'\n<!DOCTYPE t [<!ENTITY e "9">]>\n', 1)
    recording = tcx.read(write(tmp_path, doc))
    assert recording.records["cadence_rpm"].to_list() == [None]
    external = doc.replace(b'<!ENTITY e "9">', b'<!ENTITY e SYSTEM "file:///etc/hostname">')
    recording = tcx.read(write(tmp_path, external))
    assert recording.records["cadence_rpm"].to_list() == [None]


def test_read_file_finds_tcx_by_content(tmp_path: Path) -> None:
    renamed = write(tmp_path, SMALL.read_bytes(), "export.xml")
    recording = read_file(renamed)
    assert recording.format == "tcx" and recording.records.height == 111


# --- fuzzing: damaged real files give a Recording or BadInput, nothing else ----------------

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_bytes_as_tcx(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.tcx"
        path.write_bytes(data)
        try:
            result = tcx.read(path)
        except BadInput as exc:
            assert "\n" not in exc.reason
        else:
            assert isinstance(result, Recording)
            assert result.records.schema == pl.Schema(RECORD_SCHEMA)


@FUZZ
@given(st.integers(min_value=0, max_value=len(SMALL.read_bytes())))
def test_truncated_tcx(cut: int) -> None:
    read_bytes_as_tcx(SMALL.read_bytes()[:cut])


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 68114), st.integers(0, 255)), min_size=1, max_size=20))
def test_corrupted_tcx(changes: list[tuple[int, int]]) -> None:
    data = bytearray(SMALL.read_bytes())
    for offset, value in changes:
        data[offset % len(data)] = value
    read_bytes_as_tcx(bytes(data))


@pytest.mark.parametrize("value", ["1e308", "-100"])
def test_lap_totals_no_lap_can_hold_are_missing(value: str, tmp_path: Path) -> None:
    """Laps of 1e308 s or m summed to an infinite timer and distance (every JSON listing of
    the session then failed), and a lap of -100 s gave a negative timer: both are missing."""
    text = (FOLDER / "tcxparser-test-run.tcx").read_text(encoding="utf-8")
    lap_totals = r"<TotalTimeSeconds>[^<]*</TotalTimeSeconds>(\s*)<DistanceMeters>[^<]*<"
    text, n = re.subn(
        lap_totals,
        rf"<TotalTimeSeconds>{value}</TotalTimeSeconds>\1"
        rf"<DistanceMeters>{value}<",
        text,
    )
    assert n >= 1
    path = tmp_path / "damaged.tcx"
    path.write_text(text, encoding="utf-8")
    [session] = tcx.read(path).sessions
    assert session.timer_s is None
    assert session.distance_m is None or (0 <= session.distance_m < 1e6)
