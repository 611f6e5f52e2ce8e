"""IMU files: MetaWear pairs, the generic format with each unit, mappings, bad files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drago.errors import BadInput
from drago.ingest.imu import G_MS2, parse_mapping, read_imu, sniff

PUNCH = Path(__file__).parent / "data" / "punch"
MANIFEST: list[dict[str, Any]] = yaml.safe_load((PUNCH / "index.yml").read_text())["files"]
PHONE_MAP = "time=seconds_elapsed,ax=accX,ay=accY,az=accZ,gx=gyrX,gy=gyrY,gz=gyrZ"
METAWEAR = PUNCH / MANIFEST[0]["file"]


def test_every_excerpt_has_an_entry() -> None:
    listed = {e["file"] for e in MANIFEST}
    on_disk = {
        str(p.relative_to(PUNCH)) for p in PUNCH.rglob("*.csv") if "_Gyroscope_" not in p.name
    }
    assert on_disk == listed


@pytest.mark.parametrize("entry", MANIFEST, ids=[Path(e["file"]).name for e in MANIFEST])
def test_reads_the_manifest(entry: dict[str, Any]) -> None:
    path = PUNCH / entry["file"]
    rec = read_imu(path, mapping=PHONE_MAP if entry["format"] == "mapped" else None)
    assert rec.format == entry["format"]
    assert rec.has_gyro
    acc = rec.acc_ms2()
    # gravity included: the median magnitude is about 1 g whatever the mounting
    assert 0.7 * G_MS2 < np.median(np.linalg.norm(acc, axis=1)) < 1.5 * G_MS2
    t = rec.frame["t_s"].to_numpy()
    assert t[0] == 0.0 and np.allclose(np.diff(t), 1.0 / rec.rate_hz, rtol=0.06)
    assert sniff(path.read_bytes()[:4096]) is (entry["format"] != "mapped")


def test_metawear_pair_is_joined_and_dated() -> None:
    rec = read_imu(METAWEAR)
    assert rec.format == "metawear"
    assert rec.gyro_path is not None and "_Gyroscope_" in rec.gyro_path.name
    assert 24.5 < rec.rate_hz < 25.5
    assert rec.start is not None and rec.start.year == 2019 and rec.start.utcoffset() is not None
    gyro = rec.gyro_rads()
    assert gyro is not None and 1.0 < np.abs(gyro).max() < 40.0  # rad/s, not °/s
    explicit = read_imu(METAWEAR, gyro=rec.gyro_path)
    assert explicit.frame.equals(rec.frame)
    from_gyro_half = read_imu(rec.gyro_path)
    assert from_gyro_half.frame.equals(rec.frame) and from_gyro_half.path == METAWEAR


def test_accelerometer_only(tmp_path: Path) -> None:
    alone = tmp_path / METAWEAR.name
    shutil.copy(METAWEAR, alone)
    rec = read_imu(alone)
    assert not rec.has_gyro and rec.gyro_rads() is None
    assert rec.frame.columns == ["t_s", "acc_x_ms2", "acc_y_ms2", "acc_z_ms2"]


def _generic(tmp_path: Path, acc_unit: str, gyro_unit: str | None, name: str = "s.csv") -> Path:
    rng = np.random.default_rng(1)
    n = 200
    t = np.arange(n) / 100.0
    acc = rng.normal(0, 2, (n, 3)) + np.array([0.0, 0.0, G_MS2])
    gyr = rng.normal(0, 1, (n, 3))
    a = acc / (G_MS2 if acc_unit == "g" else 1.0)
    cols = ["time_s", *(f"a{x}_{acc_unit}" for x in "xyz")]
    data = [t, *a.T]
    if gyro_unit:
        g = gyr * (180 / np.pi if gyro_unit == "dps" else 1.0)
        cols += [f"g{x}_{gyro_unit}" for x in "xyz"]
        data += list(g.T)
    lines = [",".join(cols)] + [
        ",".join(f"{v:.9g}" for v in row) for row in zip(*data, strict=True)
    ]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("acc_unit", ["ms2", "g"])
@pytest.mark.parametrize("gyro_unit", ["rads", "dps", None])
def test_generic_units_give_the_same_si_values(
    tmp_path: Path, acc_unit: str, gyro_unit: str | None
) -> None:
    ref = read_imu(_generic(tmp_path, "ms2", "rads", "ref.csv"))
    rec = read_imu(_generic(tmp_path, acc_unit, gyro_unit))
    assert rec.format == "generic" and abs(rec.rate_hz - 100.0) < 1e-6
    assert np.allclose(rec.acc_ms2(), ref.acc_ms2(), atol=1e-6)
    if gyro_unit:
        gyro, ref_gyro = rec.gyro_rads(), ref.gyro_rads()
        assert gyro is not None and ref_gyro is not None
        assert np.allclose(gyro, ref_gyro, atol=1e-6)
    else:
        assert not rec.has_gyro


def test_generic_gyro_in_a_second_file(tmp_path: Path) -> None:
    both = read_imu(_generic(tmp_path, "ms2", "rads", "both.csv"))
    acc_file = tmp_path / "acc.csv"
    gyro_file = tmp_path / "gyro.csv"
    frame = both.frame
    frame.select("t_s", "acc_x_ms2", "acc_y_ms2", "acc_z_ms2").rename(
        {"t_s": "time_s", "acc_x_ms2": "ax_ms2", "acc_y_ms2": "ay_ms2", "acc_z_ms2": "az_ms2"}
    ).write_csv(acc_file)
    frame.select("t_s", "gyro_x_rads", "gyro_y_rads", "gyro_z_rads").rename(
        {
            "t_s": "time_s",
            "gyro_x_rads": "gx_rads",
            "gyro_y_rads": "gy_rads",
            "gyro_z_rads": "gz_rads",
        }
    ).write_csv(gyro_file)
    rec = read_imu(acc_file, gyro=gyro_file)
    gyro = rec.gyro_rads()
    assert gyro is not None and np.allclose(gyro, both.gyro_rads())  # type: ignore[arg-type]


def test_mapping_as_text_or_dict() -> None:
    path = PUNCH / "phone" / "jab_left_fast_excerpt.csv"
    with pytest.raises(BadInput, match="columns not understood"):
        read_imu(path)
    by_text = read_imu(path, mapping=PHONE_MAP + ",acc=ms2,gyro=rads")
    by_dict = read_imu(path, mapping=parse_mapping(PHONE_MAP))
    assert by_text.frame.equals(by_dict.frame)
    assert by_text.resampled and 99 < by_text.rate_hz < 102  # the phone's clock jitters
    as_g = read_imu(path, mapping=PHONE_MAP + ",acc=g")
    assert np.allclose(as_g.acc_ms2(), by_text.acc_ms2() * G_MS2)
    with pytest.raises(BadInput, match="mapping entry"):
        parse_mapping("time=t,bogus=1")
    with pytest.raises(BadInput, match="no column"):
        read_imu(path, mapping="time=seconds_elapsed,ax=nope,ay=accY,az=accZ")


def test_uneven_timestamps_are_resampled(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    t = np.cumsum(rng.uniform(0.006, 0.014, 500))
    lines = ["time_s,ax_g,ay_g,az_g"] + [f"{x:.6f},0,{np.sin(x):.6f},1" for x in t]
    path = tmp_path / "uneven.csv"
    path.write_text("\n".join(lines))
    rec = read_imu(path)
    assert rec.resampled
    grid = rec.frame["t_s"].to_numpy()
    assert np.allclose(np.diff(grid), 1.0 / rec.rate_hz)
    assert np.allclose(rec.acc_ms2()[:, 1] / G_MS2, np.sin(grid + t[0]), atol=2e-3)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"time_s,hr_bpm\n0,120\n1,121\n", "columns not understood"),
        (b"time_s,ax_ms2,ay_ms2,az_ms2\n0,1,2,x\n0.01,1,2,3\n", "not a number"),
        (b"time_s,ax_ms2,ay_ms2,az_ms2\n0,1,2,3\n", "too few samples"),
        (b"time_s,ax_ms2,ay_ms2,az_ms2\n0,1,2,3\n1,1,2,3\n2,1,2,3\n", "outside 20-1200 Hz"),
        (b"time_s,ax_ms2,ay_ms2,az_ms2\n0,1,2,3\n0,1,2,3\n", "distinct timestamps"),
        (b"time_s,ax_ms2,ay_ms2,az_ms2\n0,1,2\n0.01,1,2,3\n", "not a readable CSV|empty"),
    ],
)
def test_bad_files_raise_one_line(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(BadInput, match=reason) as info:
        read_imu(path)
    assert "\n" not in str(info.value) and info.value.path == str(path)


def test_missing_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        read_imu(tmp_path / "nope.csv")
    with pytest.raises(BadInput, match="cannot read"):
        read_imu(METAWEAR, gyro=tmp_path / "nope.csv")


HEADERS = [
    "time_s,ax_ms2,ay_ms2,az_ms2",
    "time_s,ax_g,ay_g,az_g,gx_dps,gy_dps,gz_dps",
    "epoch (ms),elapsed (s),X-Axis (g),Y-Axis (g),Z-Axis (g)",
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.sampled_from(HEADERS),
    body=st.text(alphabet="0123456789.,-e\n xnaif", max_size=400),
    raw=st.binary(max_size=200),
    use_raw=st.booleans(),
)
def test_fuzz_raises_only_bad_input(
    tmp_path: Path, header: str, body: str, raw: bytes, use_raw: bool
) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(raw if use_raw else (header + "\n" + body).encode())
    try:
        rec = read_imu(path)
    except BadInput as exc:
        assert "\n" not in str(exc)
    else:
        assert np.isfinite(rec.acc_ms2()).all() and rec.frame.height >= 2
