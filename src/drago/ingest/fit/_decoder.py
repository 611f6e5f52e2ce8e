"""The FIT decoder behind `drago.ingest.fit.read`: bytes in, `Recording` or `BadInput` out.

`decode` runs the structure walk (`_scan.walk`: headers, definitions, header and file CRCs of
every chained segment), turns any damage into one sentence saying what is wrong and how much is
whole, and hands the whole messages to `messages.build` for the values. Damage rules follow
the FIT protocol (Garmin FIT SDK, "Flexible and Interoperable Data Transfer Protocol",
sections "File Header", "Data Records" and "CRC"): where decoders disagree, Garmin's SDK is
the reference, so a file it decodes cleanly is valid.

With `recover=True` a damaged file gives what is whole: the segments before the damaged one
when there are any (they passed their CRC), otherwise the whole messages of the first
segment up to the damage.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from drago.errors import BadInput
from drago.ingest.fit import _scan
from drago.ingest.fit.messages import build
from drago.ingest.fit.profile import COL_START, COL_WIDTH, KIND_OF_MESG, N_COLS, RECORD
from drago.recording import Recording


def decode(data: bytes, *, path: str | Path | None = None, recover: bool = False) -> Recording:
    """Decode the bytes of a FIT file (one or several chained segments) into a `Recording`.

    Raises `BadInput` for anything that is not a whole, CRC-verified FIT activity with timed
    samples; `recoverable` is set when `recover=True` would import a whole part of it.
    """
    try:
        return _decode(data, path, recover)
    except BadInput:
        raise
    except Exception as exc:  # any slip on hostile bytes is still one line about the file
        raise BadInput(path, f"cannot decode FIT data ({type(exc).__name__})") from exc


def _decode(data: bytes, path: str | Path | None, recover: bool) -> Recording:
    if not data:
        raise BadInput(path, "empty file (0 bytes)")
    buf = np.frombuffer(data, dtype=np.uint8)
    status, segs, msgs, defs, fields = _scan.walk(buf, KIND_OF_MESG)
    reason = None
    if status[0] != _scan.OK:
        keep, reason = _damage(status, segs, msgs)
        if not recover or keep is None:
            n_rec = 0 if keep is None else int(np.count_nonzero(msgs[:keep, 2] == RECORD))
            if n_rec == 0:
                raise BadInput(path, reason)
            what = "with" if status[0] == _scan.BAD_CRC and status[2] == 0 else "after"
            raise BadInput(
                path,
                f"{reason} {what} {n_rec:,} whole records: rerun with --recover to import them",
                recoverable=True,
            )
        msgs = msgs[:keep]
    # The latest time of any listed message (-1: none), for the device-relative clock rule.
    latest = int(status[8])
    if reason is not None:
        latest = int(msgs[:, 3].max()) if len(msgs) else -1
    values, start = _scan.extract(
        buf, msgs, defs, fields, KIND_OF_MESG, COL_START, COL_WIDTH, N_COLS, RECORD, RECORD
    )
    recording = build(data, buf, msgs, values, start, defs, fields, latest=latest, path=path)
    if reason is not None:
        recording.recovered = True
        recording.recovery_reason = reason
    return recording


def _damage(status: np.ndarray, segs: np.ndarray, msgs: np.ndarray) -> tuple[int | None, str]:
    """How many listed messages are whole (None: nothing is) and what is wrong, in words."""
    code, at, seg = int(status[0]), int(status[1]), int(status[2])
    if seg > 0 and segs[seg - 1, 3] >= 0:
        keep: int | None = int(segs[seg - 1, 3])  # the segments that passed their CRC
    elif code in (_scan.NOT_FIT, _scan.SHORT_HEADER, _scan.HEADER_CRC):
        keep = None
    else:
        keep = len(msgs)  # whole messages of a damaged first segment
    pre = f"FIT segment {seg + 1} of a chained file: " if seg > 0 else ""
    if code == _scan.NOT_FIT:
        if seg == 0:
            return None, "not a FIT file (no FIT header with the .FIT signature)"
        return keep, f"unexpected bytes after FIT segment {seg} (byte {at:,}): not a FIT header"
    if code == _scan.SHORT_HEADER:
        return keep, f"{pre}file ends inside a FIT header"
    if code == _scan.HEADER_CRC:
        stored, computed = int(status[5]), int(status[6])
        return keep, f"{pre}wrong header CRC (0x{stored:04X}, expected 0x{computed:04X})"
    if code in (_scan.TRUNCATED, _scan.NO_CRC):
        return keep, f"{pre}file ends without its CRC"
    if code == _scan.BAD_CRC:
        stored, computed = int(status[5]), int(status[6])
        return keep, f"{pre}wrong file CRC (0x{stored:04X}, expected 0x{computed:04X})"
    if code == _scan.UNDEFINED_LOCAL:
        return keep, f"{pre}undefined local message type {int(status[7])} at byte {at:,}"
    if code == _scan.BAD_BASE_TYPE:
        return (
            keep,
            f"{pre}unknown base type 0x{int(status[7]):02X} in the definition at byte {at:,}",
        )
    return keep, f"{pre}damaged at byte {at:,}"  # pragma: no cover - every code is named
