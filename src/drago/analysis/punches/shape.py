"""Acceleration-only shape features of a punch, in frames estimated from the data alone.

Nothing here needs a gyroscope or knows how the sensor is worn: the reference directions
are *up* (gravity before the punch, from the accelerometer's low-pass), the punch's own
**principal directions** (eigenvectors of the dynamic acceleration's second-moment matrix
over the punch window) and the punch frame of `features` (forward = horizontal part of the
velocity at its peak, side = up x forward). Every feature is a ratio, an absolute cosine or
an absolute normalised cross product, so it is unchanged by any rotation of the sensor, by
a mirror image of the mounting (the other hand), by a change of sign convention of the
accelerometer (iOS reports -g) and by a change of amplitude (a heavier glove, a phone):

- `acc_linearity`, `acc_planarity`: λ1 / Σλ and λ2 / Σλ of the acceleration's principal
  moments: a straight punch accelerates and brakes along one line, a hook or an uppercut
  swings in a plane;
- `pc1_vert`, `pc3_vert`: |cos| of the first principal direction and of the plane's normal
  with up: an uppercut's main axis is vertical, a hook's swing plane is horizontal (its
  normal vertical);
- `pc1_fwd`: |cos| of the first principal direction with forward (a straight punch's line
  is its direction of travel);
- `swirl`, `swirl_up`, `swirl_side`: |Σ a_t x a_t+1| / Σ |a_t| |a_t+1| (the acceleration
  vector turning consistently one way: a curved path), in total and about up and side.

References
----------
Mannini A., Sabatini A. M. (2010) Machine learning methods for classifying human physical
activity from on-body accelerometers. Sensors 10(2), 1154-1175 (orientation-independent
accelerometer features: magnitudes, principal-component and gravity-frame projections).
Yurtman A., Barshan B. (2017) Activity recognition invariant to sensor orientation with
wearable motion sensors. Sensors 17(8), 1838 (the principal axes of the acceleration as a
sensor-independent reference frame).
"""

from __future__ import annotations

from typing import Final

import numpy as np

from drago.analysis.punches.detect import norm3

SHAPE_FEATURES: Final = (
    "acc_linearity",
    "acc_planarity",
    "pc1_vert",
    "pc3_vert",
    "pc1_fwd",
    "swirl",
    "swirl_up",
    "swirl_side",
)


def shape_features(
    a: np.ndarray, up: np.ndarray, fwd: np.ndarray, side: np.ndarray
) -> dict[str, np.ndarray]:
    """Shape features of (punches, samples, 3) dynamic accelerations `a` (gravity removed).

    `up`, `fwd`, `side` are (punches, 3) unit vectors (see the module docstring).
    """
    cov = np.einsum("kwi,kwj->kij", a, a)
    vals, vecs = np.linalg.eigh(cov)  # ascending
    total = np.maximum(vals.sum(axis=1), 1e-12)
    pc1, pc3 = vecs[:, :, 2], vecs[:, :, 0]
    cross = np.cross(a[:, :-1], a[:, 1:]).sum(axis=1)  # (k, 3)
    norms = norm3(a)
    scale = np.maximum((norms[:, :-1] * norms[:, 1:]).sum(axis=1), 1e-12)
    return {
        "acc_linearity": vals[:, 2] / total,
        "acc_planarity": vals[:, 1] / total,
        "pc1_vert": np.abs(np.einsum("kj,kj->k", pc1, up)),
        "pc3_vert": np.abs(np.einsum("kj,kj->k", pc3, up)),
        "pc1_fwd": np.abs(np.einsum("kj,kj->k", pc1, fwd)),
        "swirl": norm3(cross) / scale,
        "swirl_up": np.abs(np.einsum("kj,kj->k", cross, up)) / scale,
        "swirl_side": np.abs(np.einsum("kj,kj->k", cross, side)) / scale,
    }
