"""Punch features and model: rotation invariance (hypothesis), the shipped model's inputs,
and the merging of a punch with its retraction."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drago.analysis.punches.classify import calibrate, load_model, punch_classes, punch_proba
from drago.analysis.punches.detect import (
    G_MS2,
    detect_from_score,
    gravity_ms2,
    punch_detect,
    punch_score,
    velocity_directions,
)
from drago.analysis.punches.features import (
    ACC_FEATURES,
    AMPLITUDE_FEATURES,
    FEATURES,
    GYRO_FEATURES,
    punch_features,
)
from drago.analysis.punches.shape import SHAPE_FEATURES, shape_features
from drago.ingest.imu import read_imu

PUNCH = Path(__file__).parent / "data" / "punch"
PHONE_MAP = "time=seconds_elapsed,ax=accX,ay=accY,az=accZ,gx=gyrX,gy=gyrY,gz=gyrZ"
HOOK = next((PUNCH / "metawear").glob("Left Hook 10 Rahim*/*_Accelerometer_*.csv"))


@cache
def _excerpt(name: str) -> tuple[np.ndarray, np.ndarray, float]:
    if name == "hook":
        rec = read_imu(HOOK)
    else:
        rec = read_imu(PUNCH / "phone" / f"{name}_excerpt.csv", mapping=PHONE_MAP)
    gyro = rec.gyro_rads()
    assert gyro is not None
    return rec.acc_ms2(), gyro, rec.rate_hz


def _rotation(q: tuple[float, float, float, float]) -> np.ndarray:
    """The rotation matrix of a (not necessarily unit) quaternion."""
    w, x, y, z = np.asarray(q) / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


quaternions = st.tuples(*[st.floats(-1.0, 1.0)] * 4).filter(
    lambda q: float(np.linalg.norm(q)) > 0.2
)


@settings(max_examples=30, deadline=None)
@given(q=quaternions, name=st.sampled_from(["hook", "jab_left_fast", "uppercut_left_fast"]))
def test_random_rotation_gives_the_same_features_and_classes(
    q: tuple[float, float, float, float], name: str
) -> None:
    acc, gyro, rate = _excerpt(name)
    rot = _rotation(q)
    det = punch_detect(acc, gyro, rate)
    det_turned = punch_detect(acc @ rot.T, gyro @ rot.T, rate)
    assert np.array_equal(det.peak, det_turned.peak)
    base = punch_features(acc, gyro, det)
    turned = punch_features(acc @ rot.T, gyro @ rot.T, det)
    for feature in FEATURES:
        assert np.allclose(base[feature], turned[feature], atol=1e-6), feature
    p_base = punch_proba(base, has_gyro=True)
    p_turned = punch_proba(turned, has_gyro=True)
    assert np.allclose(p_base, p_turned, atol=1e-6)
    assert punch_classes(p_base) == punch_classes(p_turned)


def test_accelerometer_model_uses_no_gyroscope_feature() -> None:
    model = load_model()
    assert set(model["acc"]["features"]) <= set(ACC_FEATURES)
    assert not set(model["acc"]["features"]) & GYRO_FEATURES
    assert set(model["gyro"]["features"]) <= set(FEATURES)
    for part in (model["acc"], model["gyro"]):
        n = len(part["features"])
        assert len(part["mean"]) == len(part["scale"]) == n
        assert np.asarray(part["coef"]).shape == (len(part["classes"]), n)
        # one model for every device: nothing that scales with glove mass or sensor range
        assert not set(part["features"]) & AMPLITUDE_FEATURES
        assert 0.2 <= part["temperature"] <= 5.0


@pytest.mark.parametrize("name", ["hook", "jab_left_fast", "uppercut_left_fast"])
def test_accelerometer_features_ignore_mirror_sign_and_amplitude(name: str) -> None:
    # the other hand (a mirror image of the mounting), an accelerometer reporting -g (iOS)
    # and a stronger or weaker signal (a phone, a heavier glove) give the same features
    # (amplitude features aside)
    acc, _gyro, rate = _excerpt(name)
    det = punch_detect(acc, None, rate)
    base = punch_features(acc, None, det)
    variants = {"mirror": acc * np.array([-1.0, 1.0, 1.0]), "sign": -acc}
    for label, changed in variants.items():
        other = punch_features(changed, None, det)
        for feature in ACC_FEATURES:
            if feature not in AMPLITUDE_FEATURES:
                assert np.allclose(base[feature], other[feature], atol=1e-6), (label, feature)
    # the principal-direction features of a punch scaled 1.3 times
    grav = gravity_ms2(acc, rate)
    a = (acc - grav)[det.onset[0] : det.end[0] + 1][None]
    up = grav[det.onset[:1]] / np.linalg.norm(grav[det.onset[:1]], axis=1, keepdims=True)
    fwd = np.cross(up, [[0.3, 0.5, 0.8]])
    fwd /= np.linalg.norm(fwd)
    side = np.cross(up, fwd)
    one, scaled = shape_features(a, up, fwd, side), shape_features(1.3 * a, up, fwd, side)
    for feature in SHAPE_FEATURES:
        assert np.allclose(one[feature], scaled[feature]), feature


def test_temperature_softens_the_probabilities_and_low_confidence_is_unknown() -> None:
    acc, gyro, rate = _excerpt("hook")
    feats = punch_features(acc, gyro, punch_detect(acc, gyro, rate))
    model = load_model()
    sharp = {"gyro": {**model["gyro"], "temperature": 1.0}}
    soft = {"gyro": {**model["gyro"], "temperature": 50.0}}
    p_sharp = punch_proba(feats, has_gyro=True, model=sharp)
    p_soft = punch_proba(feats, has_gyro=True, model=soft)
    assert np.allclose(p_soft.sum(axis=1), 1.0)
    assert (p_soft.max(axis=1) < p_sharp.max(axis=1) + 1e-12).all()
    assert (p_sharp.argmax(axis=1) == p_soft.argmax(axis=1)).all()  # same ranking
    assert set(punch_classes(p_soft)) == {"unknown"}  # near 1/3 each: below the threshold


def test_accelerometer_only_features_ignore_the_gyroscope() -> None:
    acc, gyro, rate = _excerpt("jab_left_fast")
    det = punch_detect(acc, gyro, rate)
    with_gyro = punch_features(acc, gyro, det)
    without = punch_features(acc, None, det)
    for feature in ACC_FEATURES:
        assert np.allclose(with_gyro[feature], without[feature]), feature
    for feature in GYRO_FEATURES:
        assert (without[feature] == 0).all()


def _track(rate: float, pushes: list[tuple[float, float]], n_s: float) -> np.ndarray:
    """Gravity on z plus pushes along x at (time s, signed amplitude m/s²): each accelerates
    for 0.15 s and brakes for 0.15 s."""
    acc = np.tile([0.0, 0.0, G_MS2], (round(n_s * rate), 1))
    t = np.arange(acc.shape[0]) / rate
    for at_s, amp in pushes:
        acc[(t >= at_s - 0.15) & (t < at_s), 0] += amp
        acc[(t >= at_s) & (t < at_s + 0.15), 0] -= amp
    return acc


@pytest.mark.parametrize("rate", [25.0, 100.0])
def test_a_punch_and_its_retraction_count_once(rate: float) -> None:
    # four punches, each pulled back 0.6 s later almost as hard as it went out, then a pause
    starts = [2.0, 4.5, 7.0, 9.5]
    pushes = [(s + d, amp) for s in starts for d, amp in ((0.0, 60.0), (0.6, -50.0))]
    acc = _track(rate, pushes, 12.0)
    raw = detect_from_score(punch_score(acc, None, rate), rate, min_score=0.75)
    assert raw.n == 8  # without the retraction check both humps count
    det = punch_detect(acc, None, rate)
    assert det.n == 4
    assert np.allclose(det.t_peak_s, starts, atol=0.1)  # the stronger hump is kept


def test_an_even_run_of_punches_is_not_merged() -> None:
    # back-and-forth punches every 0.6 s with no pause: every one is a punch
    rate = 100.0
    times = [2.0 + 0.6 * k for k in range(8)]
    acc = _track(rate, [(t, 60.0 if k % 2 == 0 else -60.0) for k, t in enumerate(times)], 8.5)
    assert punch_detect(acc, None, rate).n == len(times)


def test_velocity_directions_follow_the_push() -> None:
    rate = 100.0
    acc = _track(rate, [(2.0, 60.0), (5.0, -60.0)], 7.0)
    det = punch_detect(acc, None, rate)
    dirs = velocity_directions(acc, np.tile([0.0, 0.0, G_MS2], (acc.shape[0], 1)), det)
    assert np.allclose(dirs, [[1.0, 0.0, 0.0], [-1.0, 0.0, 0.0]], atol=0.05)


probabilities = st.lists(st.floats(0.01, 1.0), min_size=3, max_size=3).map(
    lambda v: np.asarray(v) / np.sum(v)
)


@settings(max_examples=60, deadline=None)
@given(p=probabilities, variant=st.sampled_from(["gyro", "acc"]))
def test_calibration_keeps_the_ranking_and_a_probability(p: np.ndarray, variant: str) -> None:
    table = load_model()[variant]["calibration"]
    assert np.all(np.diff(table["confidence"]) >= 0) and np.all(np.diff(table["accuracy"]) >= 0)
    q = calibrate(p[None, :], table)[0]
    assert np.isclose(q.sum(), 1.0) and (q >= 0).all() and q.max() <= 0.99 + 1e-9
    assert q.argmax() == p.argmax()
    others = np.delete(q, p.argmax()) / max(1.0 - q.max(), 1e-12)
    assert np.allclose(others, np.delete(p, p.argmax()) / (1.0 - p.max()), atol=1e-6)


def test_the_sample_rate_does_not_change_the_swirl() -> None:
    """The same punches at 100 Hz and decimated to 25 Hz: their windows are interpolated onto
    one grid, so a sum over consecutive samples means the same (before, the swirl at 25 Hz
    was about 4x that at 100 Hz: the rate, i.e. the device, was a feature)."""
    acc, gyro, rate = _excerpt("jab_left_fast")
    full = punch_detect(acc, gyro, rate)
    dec = punch_detect(acc[::4], gyro[::4], rate / 4)
    f_full = punch_features(acc, gyro, full)
    f_dec = punch_features(acc[::4], gyro[::4], dec)
    pairs = [
        (i, int(np.abs(dec.t_peak_s - t).argmin()))
        for i, t in enumerate(full.t_peak_s)
        if np.abs(dec.t_peak_s - t).min() < 0.1
    ]
    assert len(pairs) >= 5
    ratio = [f_dec["swirl"][j] / f_full["swirl"][i] for i, j in pairs]
    assert 0.6 < float(np.median(ratio)) < 1.6
