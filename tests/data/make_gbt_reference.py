"""Reference figures for the boosted trees: LightGBM's test error on Foresight's direct
features (src/models/stats/lagged.rs: recent changes, the same phase a day back, Fourier
pairs of the day) of real half-hourly electricity demand, steps 1 and 12 ahead, with the
settings Foresight's trees use (15 leaves, 10 rows a leaf, L2 1, rate 0.1, 64 bins, no
sampling), after 50 and 200 trees; the first design row and each column's sum, so the
Rust test can check it built the same features.

Writes tests/data/stats/gbt.json. Needs the peers' venv (see make_peer_reference.py):
    ~/.cache/foresight-pyref/bin/python tests/data/make_gbt_reference.py
The figures are committed, so the Rust tests need no Python.
"""
import json
import math
import os

import lightgbm as lgb
import numpy as np

from fixtures import HERE, load

SEASON, LAGS, SAMPLES, TRAIN = 48, 24, 2000, 1600
y = load("taylor_uk_demand_halfhourly_2000.csv", "demand_mw")


def row(e, k):
    last = y[e - 1]
    r = [y[e - 1 - j] - last for j in range(1, LAGS)]
    target = e + k - 1
    r.append(y[target - SEASON * (-(-k // SEASON))] - last)
    phase = 2 * math.pi * (target % SEASON) / SEASON
    for j in (1, 2):
        r += [math.sin(phase * j), math.cos(phase * j)]
    return r


params = dict(num_leaves=15, min_child_samples=10, reg_lambda=1.0, learning_rate=0.1,
              max_bin=64, subsample=1.0, colsample_bytree=1.0, min_split_gain=0.0,
              min_child_weight=0.0, verbose=-1, n_jobs=1, deterministic=True)
cases = []
for k in (1, 12):
    origins = range(len(y) + 1 - k - SAMPLES, len(y) + 1 - k)
    x = np.array([row(e, k) for e in origins])
    t = np.array([y[e + k - 1] - y[e - 1] for e in origins])
    for rounds in (50, 200):
        model = lgb.LGBMRegressor(n_estimators=rounds, **params).fit(x[:TRAIN], t[:TRAIN])
        pred = model.predict(x[TRAIN:])
        cases.append({
            "step": k,
            "rounds": rounds,
            "first_origin": origins[0],
            "first_row": [float(v) for v in x[0]],
            "column_sums": [float(v) for v in x.sum(axis=0)],
            "test_mse": float(np.mean((pred - t[TRAIN:]) ** 2)),
            "test_variance": float(np.var(t[TRAIN:])),
        })

out = {
    "source": "taylor_uk_demand_halfhourly_2000.csv (demand_mw)",
    "lightgbm": lgb.__version__,
    "samples": SAMPLES,
    "train": TRAIN,
    "cases": cases,
}
with open(os.path.join(HERE, "gbt.json"), "w") as f:
    json.dump(out, f, indent=1)
for c in cases:
    print(c["step"], c["rounds"], c["test_mse"], c["test_variance"])
