"""Per-punch measures: peak acceleration, estimated peak hand speed, and a power proxy.

All three are **relative estimates** from one wrist/glove IMU, good for comparing punches,
rounds and sessions of one athlete with one sensor, not absolute physical values:

- `peak_acc_ms2`: the peak of the dynamic acceleration |a - g| between onset and end, where g
  is the gravity vector measured just before the punch (m/s²; `peak_acc_g` = / 9.80665).
  Low sample rates under-read it (an impact lasts 10-20 ms; 25 Hz sees one sample of it).
- `speed_ms`: with a gyroscope, m/s from a world-frame integration (see `speed`); without
  one, the peak of |v| with v the dynamic acceleration integrated from onset to end
  only, drift-corrected by removing the straight line from v(onset) = 0 to v(end) (the hand
  is assumed still at both ends). The sensor's rotation during the punch is not tracked, so
  gravity leaks into it: a proxy.
- `power_au`: peak_acc_ms2 x speed_ms, a specific-power proxy in W/kg-like arbitrary units
  (the product of force per unit mass and velocity at their peaks; they do not occur at the
  same instant, so it overstates instantaneous power). Only comparable within one sensor.

References
----------
Kimm D., Thiel D. V. (2015) Hand speed measurements in boxing. Procedia Engineering 112,
502-506 (wrist-IMU hand speed by integration between rest points).
Omcirk D. et al. (2021) Punch trackers: correct recognition depends on punch type and
training experience. Sensors 21(9), 2968 (commercial wrist trackers' outputs are only
partly valid).
"""

from __future__ import annotations

from typing import Final

import numpy as np

from drago.analysis.punches.detect import G_MS2, Detection, gravity_ms2, norm3
from drago.analysis.punches.features import REFERENCE_S
from drago.analysis.punches.speed import HandMotion, punch_speed_ms

MEASURES: Final = ("peak_acc_ms2", "peak_acc_g", "speed_ms", "power_au", "peak_at")


def punch_measures(
    acc_ms2: np.ndarray,
    det: Detection,
    gravity: np.ndarray | None = None,
    *,
    gyro_rads: np.ndarray | None = None,
    motion: HandMotion | None = None,
) -> dict[str, np.ndarray]:
    """Peak acceleration, estimated peak speed and power proxy of each punch.

    With `gyro_rads` the speed is in m/s from a world-frame integration with zero-velocity
    updates (`speed.punch_speed_ms`; `motion`: the recording's `speed.HandMotion` when the
    caller has it); without it, the relative estimate described above.

    `peak_at` is the sample index of the peak dynamic acceleration (the punch's time).

    Examples
    --------
    A 10 m/s² push for 0.2 s then -10 m/s² for 0.2 s reaches 2 m/s:

    >>> rate = 1000.0
    >>> acc = np.tile([0.0, 0.0, G_MS2], (3000, 1))
    >>> acc[1000:1200, 0] += 10.0
    >>> acc[1200:1400, 0] -= 10.0
    >>> det = Detection(np.array([1000]), np.array([1200]), np.array([1400]), np.ones(1), rate)
    >>> m = punch_measures(acc, det)
    >>> round(float(m["speed_ms"][0]), 2), round(float(m["peak_acc_ms2"][0]), 1)
    (2.0, 10.0)

    References
    ----------
    Kimm D., Thiel D. V. (2015) Hand speed measurements in boxing. Procedia Engineering 112,
    502-506 (wrist-IMU hand speed by integration between rest points).
    """
    k = det.n
    if k == 0:
        return {name: np.zeros(0) for name in MEASURES}
    rate = det.rate_hz
    n = acc_ms2.shape[0]
    grav = gravity_ms2(acc_ms2, rate) if gravity is None else gravity
    ref_at = np.clip(det.onset - round(REFERENCE_S * rate), 0, n - 1)
    ref = grav[ref_at]
    length = det.end - det.onset + 1
    span = int(length.max())
    steps = np.arange(span)
    idx = np.clip(det.onset[:, None] + steps[None, :], 0, n - 1)
    inside = steps[None, :] < length[:, None]
    a = (acc_ms2[idx] - ref[:, None, :]) * inside[:, :, None]
    a_norm = norm3(a)
    if gyro_rads is None:
        v = np.cumsum(a, axis=1) / rate
        v_end = v[np.arange(k), length - 1]
        frac = steps[None, :] / np.maximum(length - 1, 1)[:, None]
        v = v - frac[:, :, None] * v_end[:, None, :]
        speed = (norm3(v) * inside).max(axis=1)
    else:
        speed = punch_speed_ms(acc_ms2, gyro_rads, det, motion)
    peak = a_norm.max(axis=1)
    return {
        "peak_at": (det.onset + a_norm.argmax(axis=1)).astype(np.float64),
        "peak_acc_ms2": peak,
        "peak_acc_g": peak / G_MS2,
        "speed_ms": speed,
        "power_au": peak * speed,
    }
