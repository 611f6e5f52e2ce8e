"""GPX importer: real files against the manifest and gpxpy, sniffing, refusals, fuzzing."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gpxpy
import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drago.errors import BadInput
from drago.ingest import gpx as gpx_reader
from drago.ingest import read_file
from drago.recording import RECORD_SCHEMA, Recording

DATA = Path(__file__).parent / "data"
FOLDER = DATA / "gpx"
MANIFEST: list[dict[str, Any]] = yaml.safe_load((FOLDER / "index.yml").read_text("utf-8"))["files"]
ENTRIES = {entry["file"]: entry for entry in MANIFEST}
SMALL = FOLDER / "sportslib-openwater-swim-hr.gpx"
WAYPOINT_ONLY = DATA / "fit" / "bad" / "bad-gpx-waypoint-only.gpx"
GPX_NAMED_FIT = DATA / "fit" / "bad" / "bad-not-fit-gpx-content.fit"


def gpx_doc(points: str, *, extra: str = "", track_type: str = "") -> bytes:
    """A minimal GPX 1.1 document with one track around `points`."""
    kind = f"<type>{track_type}</type>" if track_type else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"{extra}<trk>{kind}<trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def span_s(records: pl.DataFrame) -> float:
    """Latest minus earliest timestamp, in seconds."""
    span = pl.col("timestamp").max() - pl.col("timestamp").min()
    return float(records.select(span.dt.total_microseconds()).item()) / 1e6


def write(tmp_path: Path, data: bytes, name: str = "t.gpx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- the manifest --------------------------------------------------------------------------


def test_every_file_has_a_manifest_entry() -> None:
    on_disk = {p.name for p in FOLDER.glob("*.gpx")}
    assert on_disk == set(ENTRIES), "add every .gpx to tests/data/gpx/index.yml (and only those)"
    for entry in MANIFEST:
        assert entry["source"] and entry["licence"] and entry["from"], entry["file"]


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_file_matches_manifest(name: str) -> None:
    entry = ENTRIES[name]
    recording = gpx_reader.read(FOLDER / name)
    records = recording.records
    assert recording.format == "gpx"
    assert records.schema == pl.Schema(RECORD_SCHEMA)
    assert recording.laps.height == 0  # track segments are not laps
    assert records.height == entry["timed_points"]
    assert records["hr_bpm"].count() == entry["hr_points"]
    assert records["lat_deg"].count() == entry["gps_points"]
    assert records["lon_deg"].count() == entry["gps_points"]
    assert records["cadence_rpm"].count() == entry["cadence_points"]
    assert span_s(records) == pytest.approx(entry["span_s"], abs=1e-6)
    assert len(recording.sessions) == entry["sessions"]
    assert [s.index for s in recording.sessions] == list(range(entry["sessions"]))
    assert [s.sport for s in recording.sessions] == entry["sports"]
    assert [s.activity for s in recording.sessions] == entry["activities"]
    assert recording.device == entry["device"]
    assert {s.device for s in recording.sessions} == {entry["device"]}
    for session in recording.sessions:
        own = recording.session_records(session.index)
        assert session.start == own["timestamp"].min()
        assert session.duration_s == pytest.approx(span_s(own))


# --- the reference: gpxpy -------------------------------------------------------------------


def extension(point: Any, names: set[str]) -> float | None:
    """The first extension element of `point` (at any depth) with a local name in `names`."""
    for element in point.extensions:
        for item in element.iter():
            if item.tag.rpartition("}")[2] in names and item.text and item.text.strip():
                return float(item.text)
    return None


def gpxpy_tracks(path: Path) -> list[list[Any]]:
    """gpxpy's timed points of each track that has any."""
    with path.open(encoding="utf-8") as handle:
        parsed = gpxpy.parse(handle)
    tracks = []
    for track in parsed.tracks:
        points = [p for s in track.segments for p in s.points if p.time is not None]
        if points:
            tracks.append(points)
    return tracks


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_every_sample_matches_gpxpy(name: str) -> None:
    recording = gpx_reader.read(FOLDER / name)
    reference = gpxpy_tracks(FOLDER / name)
    assert len(recording.sessions) == len(reference)
    for session, points in zip(recording.sessions, reference, strict=True):
        rows = recording.session_records(session.index)
        assert rows["timestamp"].to_list() == [p.time.astimezone(UTC) for p in points]
        assert rows["lat_deg"].to_list() == [p.latitude for p in points]
        assert rows["lon_deg"].to_list() == [p.longitude for p in points]
        assert rows["altitude_m"].to_list() == [p.elevation for p in points]
        assert rows["hr_bpm"].to_list() == [extension(p, {"hr", "heartrate"}) for p in points]
        assert rows["cadence_rpm"].to_list() == [extension(p, {"cad", "cadence"}) for p in points]
        assert rows["temperature_c"].to_list() == [extension(p, {"atemp", "temp"}) for p in points]
        assert rows["power_w"].to_list() == [extension(p, {"PowerInWatts"}) for p in points]


def test_urban_biker_speed_power_and_temperature() -> None:
    records = gpx_reader.read(FOLDER / "goldencheetah-urbanbiker-hr.gpx").records
    assert records["speed_ms"].count() == 2843  # TrackPointExtension v2 speed, never computed
    assert records["power_w"].count() == 2847
    assert records["temperature_c"].count() == 2869
    first = records.row(0, named=True)
    assert first["temperature_c"] == 26.9 and first["hr_bpm"] == 125 and first["cadence_rpm"] == 7


def test_gpxdata_distance_is_the_session_distance() -> None:
    recording = gpx_reader.read(FOLDER / "goldencheetah-suunto-movescount-hr.gpx")
    assert recording.sessions[0].distance_m == 15552.0
    assert recording.records["distance_m"].count() == 1405
    assert recording.records["hr_bpm"][1] == pytest.approx(101.289987711843)


def test_files_without_speed_get_null_speed() -> None:
    records = gpx_reader.read(FOLDER / "garmin-connect-ride-hr-riderx3.gpx").records
    assert records["speed_ms"].null_count() == records.height


# --- times, fields and odd files ------------------------------------------------------------


def test_times_are_utc_and_kept_in_file_order(tmp_path: Path) -> None:
    points = "".join(
        f'<trkpt lat="1" lon="2"><time>{t}</time></trkpt>'
        for t in ("2024-01-01T01:00:00+01:00", "2024-01-01T00:00:10.5Z", "2024-01-01T00:00:05")
    )
    recording = gpx_reader.read(write(tmp_path, gpx_doc(points, track_type="9")))
    assert recording.records["timestamp"].to_list() == [
        datetime(2024, 1, 1, 0, 0, 0, tzinfo=UTC),
        datetime(2024, 1, 1, 0, 0, 10, 500000, tzinfo=UTC),
        datetime(2024, 1, 1, 0, 0, 5, tzinfo=UTC),
    ]
    [session] = recording.sessions
    assert session.duration_s == 10.5 and session.activity == "run" and session.sport == "9"


def test_gpx10_speed_gpxdata_cadence_and_power_extensions(tmp_path: Path) -> None:
    point = (
        '<trkpt lat="1" lon="2"><ele>5</ele><time>2024-01-01T00:00:00Z</time><speed>4.5</speed>'
        '<extensions><d:hr xmlns:d="http://www.cluetrust.com/XML/GPXDATA/1/0">150</d:hr>'
        '<d:cadence xmlns:d="http://www.cluetrust.com/XML/GPXDATA/1/0">88</d:cadence>'
        '<p:power xmlns:p="http://www.garmin.com/xmlschemas/PowerExtension/v1">300</p:power>'
        "</extensions></trkpt>"
        '<trkpt lat="x" lon="2"><ele>NaN</ele><time>2024-01-01T00:00:01Z</time></trkpt>'
        '<trkpt lat="1" lon="2"><ele>6</ele></trkpt>'
    )
    rows = gpx_reader.read(write(tmp_path, gpx_doc(point))).records.to_dicts()
    assert len(rows) == 2  # the point without a time is dropped
    assert rows[0]["speed_ms"] == 4.5 and rows[0]["hr_bpm"] == 150
    assert rows[0]["cadence_rpm"] == 88 and rows[0]["power_w"] == 300
    assert rows[1]["lat_deg"] is None and rows[1]["altitude_m"] is None


def test_each_track_is_a_session_and_metadata_type_is_the_fallback(tmp_path: Path) -> None:
    doc = gpx_doc(
        '<trkpt lat="1" lon="2"><time>2024-01-01T00:00:00Z</time></trkpt>',
        extra="<metadata><type>Biking</type></metadata>"
        '<trk><type>Running</type><trkseg><trkpt lat="1" lon="2">'
        "<time>2024-01-02T00:00:00Z</time></trkpt></trkseg><trkseg><trkpt lat='1' lon='2'>"
        "<time>2024-01-02T00:01:00Z</time></trkpt></trkseg></trk>",
    )
    recording = gpx_reader.read(write(tmp_path, doc))
    assert [(s.sport, s.activity) for s in recording.sessions] == [
        ("Running", "run"),
        ("Biking", "ride"),
    ]
    assert recording.sessions[0].duration_s == 60.0
    assert recording.records["session_index"].to_list() == [0, 0, 1]


def test_sniff() -> None:
    assert gpx_reader.sniff(SMALL.read_bytes()[:4096])
    assert gpx_reader.sniff(GPX_NAMED_FIT.read_bytes())
    assert gpx_reader.sniff(b"\xef\xbb\xbf\r\n<!-- exported -->\n<gpx/>")
    assert not gpx_reader.sniff(b"<?xml version='1.0'?><TrainingCenterDatabase>")
    assert not gpx_reader.sniff(b"<gpxdata/>")
    assert not gpx_reader.sniff(b"")


@given(st.binary(max_size=300))
def test_sniff_never_raises(head: bytes) -> None:
    assert isinstance(gpx_reader.sniff(head), bool)


# --- refusals -------------------------------------------------------------------------------


def refusal(path: Path, *, through_registry: bool = False) -> str:
    with pytest.raises(BadInput) as caught:
        read_file(path) if through_registry else gpx_reader.read(path)
    reason = caught.value.reason
    assert "\n" not in reason and reason
    return reason


@pytest.mark.parametrize("through_registry", [False, True])
@pytest.mark.parametrize("path", [WAYPOINT_ONLY, GPX_NAMED_FIT], ids=lambda p: p.name)
def test_waypoints_only_are_refused(path: Path, through_registry: bool) -> None:
    reason = refusal(path, through_registry=through_registry)
    assert reason == "no timed samples: none in 0 tracks, 0 track points, 1 waypoint, 0 routes"


def test_empty_track_and_untimed_points_are_refused(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, gpx_doc(""))).startswith("no timed samples: ")
    untimed = gpx_doc('<trkpt lat="1" lon="2"><ele>3</ele></trkpt>')
    assert refusal(write(tmp_path, untimed)) == (
        "no timed samples: none in 1 track, 1 track point, 0 waypoints, 0 routes"
    )


def test_malformed_xml_wrong_root_and_bad_times_are_refused(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, SMALL.read_bytes()[:3000])).startswith("not well-formed XML: ")
    assert refusal(write(tmp_path, b"<gpx><trk></gpx>")).startswith("not well-formed XML: ")
    tcx = DATA / "tcx" / "sup-activity.tcx"
    assert refusal(tcx) == "not a GPX file: root element is <TrainingCenterDatabase>, not <gpx>"
    bad = gpx_doc('<trkpt lat="1" lon="2"><time>2024-13-01T00:00:00Z</time></trkpt>')
    assert refusal(write(tmp_path, bad)) == "bad time '2024-13-01T00:00:00Z' on line 2"


def test_billion_laughs_is_refused_or_harmless(tmp_path: Path) -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    doc = gpx_doc('<trkpt lat="1" lon="2"><time>2024-01-01T00:00:00Z</time><ele>&i;</ele></trkpt>')
    doc = doc.replace(b"\n", f"\n<!DOCTYPE gpx [{entities}]>\n".encode(), 1)
    try:
        recording = gpx_reader.read(write(tmp_path, doc))
    except BadInput:
        return
    assert recording.records["altitude_m"].to_list() == [None]


def test_read_file_finds_gpx_by_suffix_and_content(tmp_path: Path) -> None:
    assert read_file(SMALL).format == "gpx"
    assert read_file(write(tmp_path, SMALL.read_bytes(), "swim.xml")).records.height == 88


# --- fuzzing: damaged real files give a Recording or BadInput, nothing else ----------------

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_bytes_as_gpx(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.gpx"
        path.write_bytes(data)
        try:
            result = gpx_reader.read(path)
        except BadInput as exc:
            assert "\n" not in exc.reason
        else:
            assert isinstance(result, Recording)
            assert result.records.schema == pl.Schema(RECORD_SCHEMA)


@FUZZ
@given(st.integers(min_value=0, max_value=len(SMALL.read_bytes())))
def test_truncated_gpx(cut: int) -> None:
    read_bytes_as_gpx(SMALL.read_bytes()[:cut])


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 33553), st.integers(0, 255)), min_size=1, max_size=20))
def test_corrupted_gpx(changes: list[tuple[int, int]]) -> None:
    data = bytearray(SMALL.read_bytes())
    for offset, value in changes:
        data[offset % len(data)] = value
    read_bytes_as_gpx(bytes(data))
