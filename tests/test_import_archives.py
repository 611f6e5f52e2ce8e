"""`drago import` of bulk exports: gzip files, zips, zips inside zips, and bombs refused."""

from __future__ import annotations

import gzip
import hashlib
import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from drago.errors import BadInput
from drago.imports import pipeline
from drago.ingest import archive, read_bytes
from tests.conftest import DATA, Cli

FIT = DATA / "fit"
SMALL_FITS = [
    "garmin-fenix5-run-short-hrv.fit",
    "garmin-edge820-bike-short-hrv.fit",
    "wahoo-elemnt-roam-unterminated-strings.fit",
    "garmin-fr70-compressed-timestamps.fit",
    "wahoo-elemnt-bolt-devdata-quirk.fit",
    "onelap-indoor-ride.fit",
]
TCX = DATA / "tcx" / "tcxparser-test-run.tcx"
GPX = DATA / "gpx" / "sportslib-openwater-swim-hr.gpx"
BROKEN_FIT = FIT / "bad" / "bad-unexpected-eof.fit"
ZEROS = 200 * 1024 * 1024  # a 200 MB member of zeros deflates to ~200 KB


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive_file:
        for name, data in members.items():
            archive_file.writestr(name, data)
    return buffer.getvalue()


def fit(name: str) -> bytes:
    return (FIT / name).read_bytes()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_whole(db: Path) -> list[str]:
    """Every stored file has its original (named by its hash) and all of its records."""
    with duckdb.connect(str(db), read_only=True) as con:
        files = con.execute("SELECT sha256, ext FROM files").fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM sessions WHERE source_sha256 NOT IN (SELECT sha256 FROM files)"
        ).fetchall()[0][0]
        short = con.execute(
            """SELECT count(*) FROM sessions s
               WHERE n_records != (SELECT count(*) FROM records r WHERE r.session_id = s.id)"""
        ).fetchall()[0][0]
    assert orphans == 0 and short == 0
    originals = sorted(p.name for p in (db.parent / "originals").glob("*"))
    assert originals == sorted(f"{digest}.{ext}" for digest, ext in files)
    for digest, ext in files:
        assert sha((db.parent / "originals" / f"{digest}.{ext}").read_bytes()) == digest
    return [digest for digest, _ in files]


def error_lines(result: object) -> list[str]:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize(
    ("source", "ext"),
    [(FIT / "garmin-fenix5-run-short-hrv.fit", "fit"), (TCX, "tcx"), (GPX, "gpx")],
    ids=["fit", "tcx", "gpx"],
)
def test_gzipped_file_is_stored_as_its_recording(
    cli: Cli, athlete: Callable[..., str], db: Path, tmp_path: Path, source: Path, ext: str
) -> None:
    athlete()
    plain = source.read_bytes()
    packed = tmp_path / f"{source.name}.gz"
    packed.write_bytes(gzip.compress(plain))
    result = cli("import", str(packed), "--athlete", "drago")
    assert "imported 1 files" in result.stdout
    assert (db.parent / "originals" / f"{sha(plain)}.{ext}").read_bytes() == plain
    sessions = cli.json("sessions")
    assert {s["source_sha256"] for s in sessions} == {sha(plain)}
    assert {s["source_format"] for s in sessions} == {ext}
    again = cli("import", str(source), "--athlete", "drago")
    assert "already imported" in again.stdout and "imported 0 files" in again.stdout


def test_garmin_export_with_nested_zip(
    cli: Cli, athlete: Callable[..., str], db: Path, tmp_path: Path
) -> None:
    """Garmin Connect's account export: folders of files and zips of uploaded FIT files."""
    athlete()
    uploaded = zip_bytes({name: fit(name) for name in SMALL_FITS[2:5]})
    export = tmp_path / "export.zip"
    export.write_bytes(
        zip_bytes(
            {
                "DI_CONNECT/DI-Connect-Fitness/rocky_summarizedActivities.json": b"[]",
                "DI_CONNECT/DI-Connect-Fitness/2019/a.fit": fit(SMALL_FITS[0]),
                "DI_CONNECT/DI-Connect-Fitness/2020/b.FIT": fit(SMALL_FITS[1]),
                "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": uploaded,
                "__MACOSX/DI_CONNECT/._a.fit": b"\0\5\26\7",
                "README.txt": b"Your Garmin data\n",
            }
        )
    )
    result = cli("import", str(export), "--athlete", "drago")
    assert "imported 5 files" in result.stdout and "skipped 2" in result.stdout
    assert "failed 0" in result.stdout
    nested = f"{export}/DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip/"
    assert f"imported {nested}{SMALL_FITS[2]}" in result.stdout
    assert "__MACOSX" not in result.stdout
    assert sorted(check_whole(db)) == sorted(sha(fit(name)) for name in SMALL_FITS[:5])
    again = cli("import", str(FIT / SMALL_FITS[3]), "--athlete", "drago")
    assert "already imported" in again.stdout


def test_strava_export_zip(cli: Cli, athlete: Callable[..., str], db: Path, tmp_path: Path) -> None:
    """Strava's bulk export: `activities/*.fit.gz` (and .tcx.gz, .gpx) next to a CSV."""
    athlete()
    export = tmp_path / "export_12345.zip"
    export.write_bytes(
        zip_bytes(
            {
                "activities.csv": b"Activity ID,Activity Date,Filename\n1,x,activities/1.fit.gz\n",
                "activities/1.fit.gz": gzip.compress(fit(SMALL_FITS[0])),
                "activities/2.fit.gz": gzip.compress(fit(SMALL_FITS[1])),
                "activities/3.tcx.gz": gzip.compress(TCX.read_bytes()),
                "activities/4.gpx": GPX.read_bytes(),
                "media/photo.jpg": b"\xff\xd8\xff\xe0 not really a photo",
                "profile.json": b"{}",
            }
        )
    )
    result = cli("import", str(export), "--athlete", "drago")
    assert "imported 4 files" in result.stdout and "skipped 3" in result.stdout
    assert f"skipped {export}/activities.csv" in result.stdout
    assert f"imported {export}/activities/3.tcx.gz" in result.stdout
    formats = {s["source_format"] for s in cli.json("sessions")}
    assert formats == {"fit", "tcx", "gpx"}
    assert len(check_whole(db)) == 4
    assert (db.parent / "originals" / f"{sha(TCX.read_bytes())}.tcx").exists()


def test_strava_export_folder_with_gz_files(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path
) -> None:
    athlete()
    folder = tmp_path / "export"
    (folder / "activities").mkdir(parents=True)
    (folder / "activities" / "1.fit.gz").write_bytes(gzip.compress(fit(SMALL_FITS[0])))
    (folder / "activities" / "2.gpx.gz").write_bytes(gzip.compress(GPX.read_bytes()))
    (folder / "activities" / "3.csv.gz").write_bytes(gzip.compress(b"a,b\n1,2\n"))
    (folder / "activities.csv").write_text("Activity ID\n1\n")
    (folder / "older.zip").write_bytes(zip_bytes({"5.tcx": TCX.read_bytes()}))
    result = cli("import", str(folder), "--athlete", "drago")
    assert "imported 3 files" in result.stdout and "skipped 2" in result.stdout
    assert f"imported {folder}/older.zip/5.tcx" in result.stdout


def test_bad_members_fail_alone(
    cli: Cli, athlete: Callable[..., str], db: Path, tmp_path: Path
) -> None:
    athlete()
    good = fit(SMALL_FITS[0])
    garbled = bytearray(gzip.compress(fit(SMALL_FITS[1])))
    garbled[len(garbled) // 2 : len(garbled) // 2 + 16] = b"\xa5" * 16
    crc_victim = fit(SMALL_FITS[2])
    packed = bytearray(
        zip_bytes(
            {
                "a/good.fit": good,
                "b/broken.fit": BROKEN_FIT.read_bytes(),
                "c/garbled.fit.gz": bytes(garbled),
                "d/truncated.tcx.gz": gzip.compress(TCX.read_bytes())[:2000],
                "e/bad-crc.fit": crc_victim,
                "f/empty.fit": b"",
                "notes.csv": b"x\n",
            },
            method=zipfile.ZIP_STORED,
        )
    )
    at = packed.find(crc_victim) + 1000
    packed[at] ^= 0xFF
    export = tmp_path / "archive.zip"
    export.write_bytes(bytes(packed))
    result = cli("import", str(export), "--athlete", "drago", code=1)
    assert "imported 1 files" in result.stdout and "failed 5" in result.stdout
    assert "skipped 1" in result.stdout
    lines = error_lines(result)
    assert len(lines) == 5
    for member, words in [
        ("b/broken.fit", ""),
        ("c/garbled.fit.gz", "corrupt gzip data"),
        ("d/truncated.tcx.gz", "truncated"),
        ("e/bad-crc.fit", "CRC"),
        ("f/empty.fit", "empty file"),
    ]:
        [line] = [line for line in lines if f"archive.zip/{member}:" in line]
        assert words in line and "internal error" not in line
    assert check_whole(db) == [sha(good)]


def test_members_decode_in_worker_processes(
    cli: Cli,
    athlete: Callable[..., str],
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the process pool: zip members travel to the workers and back."""
    monkeypatch.setattr(pipeline, "POOL_MIN_BYTES", 0)  # a few small members use the pool
    athlete()
    export = tmp_path / "many.zip"
    members = {f"{i}/{name}.gz": gzip.compress(fit(name)) for i, name in enumerate(SMALL_FITS)}
    members["broken.fit"] = BROKEN_FIT.read_bytes()
    export.write_bytes(zip_bytes(members))
    result = cli("import", str(export), "--athlete", "drago", code=1)
    assert f"imported {len(SMALL_FITS)} files" in result.stdout and "failed 1" in result.stdout
    [line] = error_lines(result)
    assert "many.zip/broken.fit" in line and "crashed" not in line
    assert sorted(check_whole(db)) == sorted(sha(fit(name)) for name in SMALL_FITS)


def test_nesting_deeper_than_the_limit_is_refused(
    cli: Cli, athlete: Callable[..., str], db: Path, tmp_path: Path
) -> None:
    athlete()
    deepest = zip_bytes({"run.fit": fit(SMALL_FITS[0])})
    third = zip_bytes({"c.zip": deepest, "ok.fit": fit(SMALL_FITS[1])})
    second = zip_bytes({"b.zip": third})
    outer = tmp_path / "outer.zip"
    outer.write_bytes(zip_bytes({"a.zip": second}))
    assert archive.MAX_DEPTH == 3
    result = cli("import", str(outer), "--athlete", "drago", code=1)
    assert "imported 1 files" in result.stdout
    [line] = error_lines(result)
    assert "outer.zip/a.zip/b.zip/c.zip:" in line and "nested more than 3 deep" in line
    assert check_whole(db) == [sha(fit(SMALL_FITS[1]))]


def _zeros_zip(path: Path, inner: str) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive_file:
        archive_file.writestr("activities/ok.fit", fit(SMALL_FITS[0]))
        with archive_file.open(inner, "w") as member:
            chunk = bytes(1024 * 1024)
            for _ in range(ZEROS // len(chunk)):
                member.write(chunk)


def _zeros_gzip() -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=1) as packed:
        chunk = bytes(1024 * 1024)
        for _ in range(ZEROS // len(chunk)):
            packed.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_is_refused_with_one_line(
    cli: Cli, athlete: Callable[..., str], db: Path, tmp_path: Path
) -> None:
    athlete()
    bomb = tmp_path / "bomb.zip"
    _zeros_zip(bomb, "activities/zeros.fit")
    assert bomb.stat().st_size < 2 * 1024 * 1024
    started = time.monotonic()
    result = cli("import", str(bomb), "--athlete", "drago", code=1)
    assert time.monotonic() - started < 10
    [line] = error_lines(result)
    assert line.startswith(f"error: {bomb}: refused") and "zip bomb" in line
    assert "imported 0 files" in result.stdout
    assert check_whole(db) == []


def test_gzip_bomb_is_refused_with_one_line(
    cli: Cli, athlete: Callable[..., str], db: Path, tmp_path: Path
) -> None:
    athlete()
    zeros = _zeros_gzip()
    bomb = tmp_path / "zeros.fit.gz"
    bomb.write_bytes(zeros)
    result = cli("import", str(bomb), "--athlete", "drago", code=1)
    [line] = error_lines(result)
    assert f"{bomb}: refused" in line and "gzip bomb" in line
    inside = tmp_path / "export.zip"
    inside.write_bytes(zip_bytes({"a/ok.fit": fit(SMALL_FITS[0]), "a/zeros.fit.gz": zeros}))
    result = cli("import", str(inside), "--athlete", "drago", code=1)
    [line] = error_lines(result)
    assert "export.zip/a/zeros.fit.gz: refused" in line and "gzip bomb" in line
    assert check_whole(db) == [sha(fit(SMALL_FITS[0]))]


def test_archive_over_the_total_limit_is_refused(
    cli: Cli,
    athlete: Callable[..., str],
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The total counts nested archives too; the limit is patched to keep the test small."""
    athlete()
    monkeypatch.setattr(archive, "MAX_ARCHIVE_BYTES", 3 * 6000)
    inner = zip_bytes({name: fit(name) for name in SMALL_FITS[2:4]})
    export = tmp_path / "big.zip"
    export.write_bytes(zip_bytes({"a.fit": fit(SMALL_FITS[0]), "part.zip": inner}))
    result = cli("import", str(export), "--athlete", "drago", code=1)
    [line] = error_lines(result)
    assert "big.zip/part.zip: refused" in line and "limit per archive" in line
    assert "imported 1 files" in result.stdout


def test_member_header_lying_about_its_size_cannot_grow(tmp_path: Path) -> None:
    """zipfile stops at the declared size and the CRC then fails: the lie costs nothing."""
    data = fit(SMALL_FITS[0])
    packed = bytearray(zip_bytes({"run.fit": data}, method=zipfile.ZIP_STORED))
    with zipfile.ZipFile(io.BytesIO(bytes(packed))) as archive_file:
        [info] = archive_file.infolist()
    central = packed.rfind(b"PK\x01\x02")
    packed[central + 24 : central + 28] = (100).to_bytes(4, "little")  # declared size 100
    path = tmp_path / "liar.zip"
    path.write_bytes(bytes(packed))
    [entry] = list(archive.expand(path, tmp_path))
    assert isinstance(entry, archive.Entry) and entry.info is not None
    assert entry.info.file_size == 100 and info.file_size == len(data)
    with pytest.raises(BadInput, match="CRC"):
        archive.read(entry)
    archive.close_cached()


def test_not_a_zip_fails_with_one_line(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path
) -> None:
    athlete()
    fake = tmp_path / "export.zip"
    fake.write_bytes(b"this is not a zip archive at all")
    result = cli("import", str(fake), "--athlete", "drago", code=1)
    [line] = error_lines(result)
    assert "export.zip: not a readable zip archive" in line


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_gunzip_in_small_steps_gives_the_data(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Output bounded per step, back-to-back gzip members, padding and truncation."""
    monkeypatch.setattr(archive, "CHUNK", chunk)
    data = TCX.read_bytes()[:20000]
    packed = gzip.compress(data) + gzip.compress(data[:100])
    assert archive.gunzip(packed + bytes(8), Path("x.gz")) == data + data[:100]
    with pytest.raises(BadInput, match="truncated"):
        archive.gunzip(packed[:-5], Path("x.gz"))
    with pytest.raises(BadInput, match="garbage"):
        archive.gunzip(packed + b"junk", Path("x.gz"))


def test_read_bytes_matches_read_file() -> None:
    from drago.ingest import read_file

    for path in (TCX, GPX, FIT / SMALL_FITS[0]):
        from_file = read_file(path)
        from_bytes = read_bytes(path.read_bytes(), path)
        assert from_bytes.format == from_file.format
        assert from_bytes.records.equals(from_file.records)
    with pytest.raises(BadInput, match="not a recording"):
        read_bytes(b"hello", "notes.txt")
