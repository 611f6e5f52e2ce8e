# Numba kernels mix NumPy scalars and Python ints freely (Numba types them; mypy cannot):
# mypy: disable-error-code="assignment,return-value"
"""FIT base types for the kernels: sizes, invalid values, and the read of one element.

FIT protocol (Garmin FIT SDK, "Flexible and Interoperable Data Transfer Protocol", "Base
Types"). The functions are inlined into the kernels that call them (`_scan`, `_columns`):
Numba's on-disk cache checks only each kernel's own file, so after editing this module clear
the `__pycache__` caches (*.nbi, *.nbc) of this package in a development tree.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Size in bytes of each base type (index = base type & 0x1F); 0 = not a FIT base type.
BASE_SIZE = np.array([1, 1, 1, 2, 2, 4, 4, 1, 4, 8, 1, 2, 4, 1, 8, 8, 8] + [0] * 15, np.int64)
#: Invalid value of each integer base type (FIT protocol, "Base Types"): all ones for enum and
#: unsigned types, the largest positive value for signed ones, 0 for the "z" types; the byte
#: type has none here (-1: invalid only when every byte is, which the caller decides), and
#: strings and floats are not read (`NOT_READ`).
NOT_READ = -2
INVALID = np.array(
    [0xFF, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, NOT_READ, NOT_READ, NOT_READ]
    + [0, 0, 0, -1, NOT_READ, NOT_READ, NOT_READ]
    + [NOT_READ] * 15,
    np.int64,
)
#: Width in bits of the signed base types (sint8, sint16, sint32), 0 for the others.
SIGN_BITS = np.array([0, 8, 0, 16, 0, 32] + [0] * 26, np.int64)


@njit(cache=True, nogil=True, inline="always")
def _u32(buf: np.ndarray, p: int, big: bool) -> int:  # pragma: no cover - compiled
    if big:
        a, b, c, d = buf[p], buf[p + 1], buf[p + 2], buf[p + 3]
    else:
        a, b, c, d = buf[p + 3], buf[p + 2], buf[p + 1], buf[p]
    return (np.int64(a) << 24) | (np.int64(b) << 16) | (np.int64(c) << 8) | np.int64(d)


@njit(cache=True, nogil=True, inline="always")
def element_type(size: int, bt: int) -> tuple[int, int]:  # pragma: no cover - compiled
    """(base type, element size) a field of `size` bytes is read as: its own, or bytes (uint8)
    when the size is not a multiple of the base type's, as Garmin's FIT SDK does."""
    es = BASE_SIZE[bt]
    if size % es != 0:
        return 2, 1
    return bt, es


@njit(cache=True, nogil=True, inline="always")
def _read(buf: np.ndarray, p: int, bt: int, big: bool) -> float:  # pragma: no cover
    """One integer element of base type `bt` at buf[p], NaN when it is the invalid value.

    Table-driven (`INVALID`, `SIGN_BITS`): one branch per size, none per type, and inlined
    into its callers by Numba (`inline="always"`): the per-field read of the kernels is a
    few instructions (the chain of type tests and the call it replaces cost 4-10x more).
    """
    return _read_as(buf, p, BASE_SIZE[bt], INVALID[bt], SIGN_BITS[bt], big)


@njit(cache=True, nogil=True, inline="always")
def _read_as(
    buf: np.ndarray, p: int, size: int, invalid: int, bits: int, big: bool
) -> float:  # pragma: no cover - compiled
    """`_read` with the base type's size, invalid value and sign bits given (a caller that
    reads the same fields of many messages looks them up once)."""
    if size == 1:
        v = np.int64(buf[p])
    elif size == 2:
        hi, lo = (buf[p], buf[p + 1]) if big else (buf[p + 1], buf[p])
        v = (np.int64(hi) << 8) | np.int64(lo)
    elif size == 4:
        v = _u32(buf, p, big)
    else:
        return np.nan  # float64 and 64-bit integers are not wanted here
    if v == invalid or invalid == NOT_READ:
        return np.nan
    if bits and v >= (np.int64(1) << (bits - 1)):
        v -= np.int64(1) << bits
    return float(v)
