"""FIT activity files (Garmin's Flexible and Interoperable Data Transfer protocol).

`read` decodes every session of a single, multisport or chained FIT file into a `Recording`:
records at their native rate, laps, and RR intervals from `hrv` messages, with every header
and file CRC checked. The work is done by cached Numba kernels: one walks the messages once
(`_scan`), the record columns are read from the bytes in their final units (`_columns`), the
few session, lap and RR values are laid out in one pass (`_tables`), and Polars converts each
buffer once (`messages`). Damaged files raise `BadInput`; `recover=True` imports what is whole.
"""

from __future__ import annotations

from pathlib import Path

from drago.errors import BadInput
from drago.recording import Recording

FORMAT = "fit"
SUFFIXES = (".fit",)

__all__ = ["FORMAT", "SUFFIXES", "decode", "read", "sniff"]


def sniff(head: bytes) -> bool:
    """True when `head` starts with a FIT header: size 12 or 14 and ".FIT" at bytes 8..12."""
    return len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT"


def decode(data: bytes, *, path: str | Path | None = None, recover: bool = False) -> Recording:
    """Decode FIT bytes (the one function the decoder sits behind; see `_decoder.decode`).

    The compiled kernels are imported here, not at import time, so commands that only list or
    sniff files do not load Numba.
    """
    from drago.ingest.fit._decoder import decode as decode_bytes

    return decode_bytes(data, path=path, recover=recover)


def read(path: str | Path, *, recover: bool = False) -> Recording:
    """Decode the FIT file at `path`; raise `BadInput` with a one-line reason if it is damaged.

    With `recover=True` a damaged file gives its whole part, marked `recovered`.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(path, f"cannot read: {exc.strerror or exc}") from exc
    return decode(data, path=path, recover=recover)
