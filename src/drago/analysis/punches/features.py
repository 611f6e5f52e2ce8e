"""Orientation-invariant features of each detected punch, for classification and measures.

Every feature is a magnitude, a ratio of magnitudes, or a projection on a *punch frame*
built from the signals themselves: up = the gravity direction measured before the punch,
forward = the horizontal part of the punch's peak velocity, side = up x forward (the only
reference frame that exists without knowing how the sensor is mounted), so rotating the
sensor's axes leaves them unchanged (tests/test_punch_model.py checks it with random
rotations). Windows are in seconds (`BEFORE_S` before the peak, `AFTER_S` after it), so the
features are comparable across sample rates. All punches are computed at once on gathered
windows (no Python loop per punch), which keeps an hour of data well under a second.

References
----------
Worsey M. T. O., Espinosa H. G., Shepherd J. B., Thiel D. V. (2020) An evaluation of wearable
inertial sensor configuration and supervised machine learning models for automatic punch
classification in boxing. IoT 1(2), 360-381 (punch features from wrist IMU windows).
"""

from __future__ import annotations

from typing import Final

import numpy as np

from drago.analysis.punches.detect import G_MS2, Detection, gravity_ms2, norm3
from drago.analysis.punches.shape import SHAPE_FEATURES, shape_features

BEFORE_S: Final = 0.4
AFTER_S: Final = 0.3
#: Every window is interpolated onto this grid before its features are computed: sums over
#: consecutive samples (the swirl, the direction change, the velocity) then mean the same
#: thing at 25 Hz and at 200 Hz (at 25 Hz the swirl of the same punch was 4x that at 100 Hz,
#: which made the sample rate, i.e. the device, a feature).
GRID_HZ: Final = 100.0
#: The gravity reference is the 1 s mean accelerometer centred this long before the punch's
#: window starts, so that the punch itself stays out of it.
REFERENCE_S: Final = 0.55
FEATURES: Final = (
    "peak_dyn_g",
    "peak_gyro_rads",
    "gyro_per_g",
    "vert_acc_at_peak",
    "vert_acc_frac",
    "up_acc_frac",
    "vert_rot_frac",
    "dom_axis_vert",
    "rotation_rad",
    "vert_vel_frac",
    "up_vel",
    "duration_s",
    "acc_dir_change",
    "acc_axis_align",
    "acc_axis_align_peak",
    "rot_planarity",
    "fwd_acc_frac",
    "side_acc_frac",
    "dom_axis_fwd",
    "dom_axis_side",
    "net_vert_rot",
    "net_fwd_rot",
    *SHAPE_FEATURES,
)
#: Features that need a gyroscope (the accelerometer-only model leaves them out).
GYRO_FEATURES: Final = frozenset(
    {
        "peak_gyro_rads",
        "gyro_per_g",
        "vert_rot_frac",
        "dom_axis_vert",
        "rotation_rad",
        "acc_axis_align",
        "acc_axis_align_peak",
        "rot_planarity",
        "dom_axis_fwd",
        "dom_axis_side",
        "net_vert_rot",
        "net_fwd_rot",
    }
)
ACC_FEATURES: Final = tuple(f for f in FEATURES if f not in GYRO_FEATURES)
#: Features that depend on the signal's amplitude (glove mass, sensor range, sample rate):
#: the models leave them out so that one model serves every device.
AMPLITUDE_FEATURES: Final = frozenset({"peak_dyn_g", "peak_gyro_rads", "gyro_per_g"})
#: Features in the punch frame (up, forward, side); training may leave them out (see
#: scripts/train_punches.py: the feature set is chosen on the training subjects).
FRAME_FEATURES: Final = frozenset(
    {
        "fwd_acc_frac",
        "side_acc_frac",
        "dom_axis_fwd",
        "dom_axis_side",
        "net_vert_rot",
        "net_fwd_rot",
    }
)


def _windows(x: np.ndarray, peaks: np.ndarray, rate_hz: float) -> np.ndarray:
    """(punches, samples, 3) windows of `x` from `BEFORE_S` before each peak to `AFTER_S`
    after it, linearly interpolated onto the common `GRID_HZ` grid (clipped to the
    recording), so that every feature sees the same number of samples per second."""
    n = x.shape[0]
    offsets = np.arange(-round(BEFORE_S * GRID_HZ), round(AFTER_S * GRID_HZ) + 1)
    if rate_hz == GRID_HZ:  # already on the grid: plain indexing (the same numbers, faster)
        return np.asarray(x[np.clip(peaks[:, None] + offsets[None, :], 0, n - 1)], np.float64)
    pos = np.clip(peaks[:, None] + offsets[None, :] * (rate_hz / GRID_HZ), 0, n - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    frac = (pos - lo)[:, :, None]
    return np.asarray(x[lo] * (1.0 - frac) + x[hi] * frac, dtype=np.float64)


def punch_features(
    acc_ms2: np.ndarray,
    gyro_rads: np.ndarray | None,
    det: Detection,
    gravity: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """A dict of feature name -> array (one value per punch), names as in `FEATURES`.

    Gyroscope features are 0 for accelerometer-only recordings (the classifier for those
    uses only the accelerometer features; see `classify`).
    """
    rate = det.rate_hz
    n = acc_ms2.shape[0]
    k = det.n
    out: dict[str, np.ndarray] = {}
    if k == 0:
        return {name: np.zeros(0) for name in FEATURES}
    grav = gravity_ms2(acc_ms2, rate) if gravity is None else gravity
    ref_at = np.clip(det.peak - round((BEFORE_S + REFERENCE_S) * rate), 0, n - 1)
    up = grav[ref_at]
    up = up / np.maximum(np.linalg.norm(up, axis=1, keepdims=True), 1e-9)
    # (k, w, 3): dynamic acceleration on the common grid
    a = _windows(acc_ms2, det.peak, rate) - grav[ref_at][:, None, :]
    a_norm = norm3(a)
    a_vert = np.einsum("kwj,kj->kw", a, up)
    peak_i = a_norm.argmax(axis=1)
    rows = np.arange(k)
    out["peak_dyn_g"] = a_norm[rows, peak_i] / G_MS2
    out["vert_acc_at_peak"] = a_vert[rows, peak_i] / np.maximum(a_norm[rows, peak_i], 1e-9)
    total = np.maximum(a_norm.sum(axis=1), 1e-9)
    out["vert_acc_frac"] = np.abs(a_vert).sum(axis=1) / total
    out["up_acc_frac"] = a_vert.sum(axis=1) / total
    # velocity over the window, drift-corrected to zero mean slope (relative only)
    v = np.cumsum(a, axis=1) / GRID_HZ
    v = v - np.linspace(0.0, 1.0, v.shape[1])[None, :, None] * v[:, -1:, :]
    v_norm = norm3(v)
    vi = v_norm.argmax(axis=1)
    v_peak = v[rows, vi]
    v_vert = np.einsum("kj,kj->k", v_peak, up)
    out["vert_vel_frac"] = np.abs(v_vert) / np.maximum(v_norm[rows, vi], 1e-9)
    out["up_vel"] = v_vert / np.maximum(v_norm[rows, vi], 1e-9)
    # punch frame: up (gravity before the punch), forward (the horizontal part of the velocity
    # at its peak: where the fist travels) and side (up x forward)
    fwd = v_peak - v_vert[:, None] * up
    fwd = fwd / np.maximum(np.linalg.norm(fwd, axis=1, keepdims=True), 1e-9)
    side = np.cross(up, fwd)
    out["fwd_acc_frac"] = np.abs(np.einsum("kwj,kj->kw", a, fwd)).sum(axis=1) / total
    out["side_acc_frac"] = np.abs(np.einsum("kwj,kj->kw", a, side)).sum(axis=1) / total
    out.update(shape_features(a, up, fwd, side))
    out["duration_s"] = (det.end - det.onset) / rate
    # change of the acceleration direction across the window (curved path: hooks)
    unit = a / np.maximum(a_norm[:, :, None], 1e-9)
    weights = a_norm / total[:, None]
    mean_dir = norm3((unit * weights[:, :, None]).sum(axis=1))
    out["acc_dir_change"] = 1.0 - mean_dir
    if gyro_rads is None:
        for name in GYRO_FEATURES:
            out[name] = np.zeros(k)
    else:
        w = _windows(gyro_rads, det.peak, rate)
        w_norm = norm3(w)
        wi = w_norm.argmax(axis=1)
        out["peak_gyro_rads"] = w_norm[rows, wi]
        out["gyro_per_g"] = out["peak_gyro_rads"] / np.maximum(out["peak_dyn_g"], 1e-3)
        w_vert = np.abs(np.einsum("kwj,kj->kw", w, up))
        out["vert_rot_frac"] = w_vert.sum(axis=1) / np.maximum(w_norm.sum(axis=1), 1e-9)
        # dominant rotation axis: the weighted principal axis of ω over the window
        cov = np.einsum("kwi,kwj->kij", w, w)
        vals, vecs = np.linalg.eigh(cov)
        dom = vecs[:, :, -1]
        out["dom_axis_vert"] = np.abs(np.einsum("kj,kj->k", dom, up))
        # straight punches accelerate along the forearm, the axis they pronate about; hooks
        # and uppercuts accelerate across the axis they swing about
        along = np.abs(np.einsum("kwj,kj->kw", a, dom))
        out["acc_axis_align"] = along.sum(axis=1) / total
        out["acc_axis_align_peak"] = along[rows, peak_i] / np.maximum(a_norm[rows, peak_i], 1e-9)
        out["rot_planarity"] = vals[:, -1] / np.maximum(vals.sum(axis=1), 1e-12)
        out["rotation_rad"] = w_norm.sum(axis=1) / GRID_HZ
        # rotation in the punch frame: a hook swings about the vertical, a straight punch
        # pronates about its direction of travel, an uppercut swings about the side axis
        out["dom_axis_fwd"] = np.abs(np.einsum("kj,kj->k", dom, fwd))
        out["dom_axis_side"] = np.abs(np.einsum("kj,kj->k", dom, side))
        w_total = np.maximum(w_norm.sum(axis=1), 1e-9)
        out["net_vert_rot"] = np.abs(np.einsum("kwj,kj->k", w, up)) / w_total
        out["net_fwd_rot"] = np.abs(np.einsum("kwj,kj->k", w, fwd)) / w_total
    return {name: np.asarray(out[name], dtype=np.float64) for name in FEATURES}


def feature_matrix(features: dict[str, np.ndarray], names: tuple[str, ...]) -> np.ndarray:
    """Stack the named features as columns of a (punches, features) array."""
    return np.column_stack([features[name] for name in names]) if names else np.zeros((0, 0))
