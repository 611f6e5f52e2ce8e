# mypy: disable-error-code="untyped-decorator"
"""The world-frame stepping of `speed.world_acceleration`, compiled (numba): one punch at a
time, one sample at a time, without the (punches x samples x 3) temporaries of the array
version. Same arithmetic in the same order, so the same numbers; imported lazily (numba
is a heavy import)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def world_steps(
    acc: np.ndarray,
    dq: np.ndarray,
    q0: np.ndarray,
    start: np.ndarray,
    span: int,
    g_ms2: float,
    out: np.ndarray,
) -> None:
    """Fill `out` (k, span, 3) with the world-frame acceleration (gravity removed) of each
    punch: the sensor's orientation starts at the quaternion `q0[j]` at sample `start[j]`
    and is stepped by `dq[i]` (the rotation from sample i to i + 1) after each sample;
    samples past the end of the recording repeat the last one."""
    n = acc.shape[0]
    for j in range(start.size):
        w, x, y, z = q0[j, 0], q0[j, 1], q0[j, 2], q0[j, 3]
        for s in range(span):
            i = min(start[j] + s, n - 1)
            vx, vy, vz = acc[i, 0], acc[i, 1], acc[i, 2]
            tx = 2.0 * (y * vz - z * vy)
            ty = 2.0 * (z * vx - x * vz)
            tz = 2.0 * (x * vy - y * vx)
            out[j, s, 0] = vx + w * tx + (y * tz - z * ty)
            out[j, s, 1] = vy + w * ty + (z * tx - x * tz)
            out[j, s, 2] = vz + w * tz + (x * ty - y * tx) - g_ms2
            cw, cx, cy, cz = dq[i, 0], dq[i, 1], dq[i, 2], dq[i, 3]
            nw = w * cw - x * cx - y * cy - z * cz
            nx = w * cx + x * cw + y * cz - z * cy
            ny = w * cy - x * cz + y * cw + z * cx
            nz = w * cz + x * cy - y * cx + z * cw
            w, x, y, z = nw, nx, ny, nz


@njit(cache=True, nogil=True)
def world_velocities(
    acc: np.ndarray,
    dq: np.ndarray,
    q0: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    rate_hz: float,
    g_ms2: float,
    out: np.ndarray,
) -> None:
    """Fill `out` (k, span, 3, zeros beyond each `length`) with the velocity of each punch
    from still to still: the world-frame acceleration of `world_steps` integrated by the
    trapezoid rule from 0, minus the drift line that takes it back to 0 at its last sample
    (`speed.zupt_velocities` of `world_steps`, fused: no acceleration array is stored)."""
    n = acc.shape[0]
    for j in range(start.size):
        w, x, y, z = q0[j, 0], q0[j, 1], q0[j, 2], q0[j, 3]
        px = py = pz = 0.0
        sx = sy = sz = 0.0
        for s in range(length[j]):
            i = min(start[j] + s, n - 1)
            vx, vy, vz = acc[i, 0], acc[i, 1], acc[i, 2]
            tx = 2.0 * (y * vz - z * vy)
            ty = 2.0 * (z * vx - x * vz)
            tz = 2.0 * (x * vy - y * vx)
            ax = vx + w * tx + (y * tz - z * ty)
            ay = vy + w * ty + (z * tx - x * tz)
            az = vz + w * tz + (x * ty - y * tx) - g_ms2
            if s > 0:
                sx += 0.5 * (ax + px) / rate_hz
                sy += 0.5 * (ay + py) / rate_hz
                sz += 0.5 * (az + pz) / rate_hz
            out[j, s, 0], out[j, s, 1], out[j, s, 2] = sx, sy, sz
            px, py, pz = ax, ay, az
            cw, cx, cy, cz = dq[i, 0], dq[i, 1], dq[i, 2], dq[i, 3]
            nw = w * cw - x * cx - y * cy - z * cz
            nx = w * cx + x * cw + y * cz - z * cy
            ny = w * cy - x * cz + y * cw + z * cx
            nz = w * cz + x * cy - y * cx + z * cw
            w, x, y, z = nw, nx, ny, nz
        last = length[j] - 1
        ex, ey, ez = out[j, last, 0], out[j, last, 1], out[j, last, 2]
        den = float(max(last, 1))
        for s in range(length[j]):
            frac = s / den
            out[j, s, 0] = out[j, s, 0] - frac * ex
            out[j, s, 1] = out[j, s, 1] - frac * ey
            out[j, s, 2] = out[j, s, 2] - frac * ez
