"""Reference figures for the model families StatsForecast has and Foresight matches:
the Theta family (AutoTheta and each form), complex exponential smoothing (AutoCES and
each seasonal form), MSTL (decomposition and forecasts) and conformal intervals.

Writes tests/data/stats/families.json. Needs the peers' venv (as make_peer_reference.py):
    python3 -m venv ~/.cache/foresight-pyref
    ~/.cache/foresight-pyref/bin/pip install statsforecast==2.1.1 pmdarima==2.1.1 scikit-learn utilsforecast
    ~/.cache/foresight-pyref/bin/python tests/data/make_family_reference.py
The figures are committed, so the Rust tests need no Python.
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
import statsforecast
from statsforecast import StatsForecast
from statsforecast.models import MSTL, SeasonalNaive
from statsforecast.mstl import mstl
from statsforecast.ces import auto_ces, forecast_ces
from statsforecast.theta import auto_theta, compute_pi_samples, forecast_theta
from statsforecast.utils import _repeat_val_seas
from statsforecast.utils import ConformalIntervals

from fixtures import HERE, clean, load

warnings.simplefilter("ignore")


SERIES = [
    ("air", "air_passengers_monthly.csv", "passengers_thousands", 12),
    ("wine", "aus_wine_sales_monthly.csv", "bottles", 12),
    ("realgdp", "us_macro_quarterly.csv", "realgdp", 4),
    ("unemp", "us_macro_quarterly.csv", "unemp", 4),
    ("infl", "us_macro_quarterly.csv", "infl", 4),
]
H = 12
PATHS = 20_000


def theta_intervals(fit, h, levels):
    """forecast_theta's intervals with 20,000 simulated paths instead of its 200, so the
    reference's own method is pinned down to well under 1% of sampling noise."""
    tail = fit["residuals"][3:]
    sigma = np.std(tail, ddof=1)
    samples = compute_pi_samples(n=fit["n"], h=h, states=fit["states"], sigma=sigma,
                                 alpha=fit["par"]["alpha"], theta=fit["par"]["theta"],
                                 mean_y=fit["mean_y"], n_samples=PATHS)
    out = {}
    for lv in levels:
        lo = np.quantile(samples, (100 - lv) / 200, axis=1)
        hi = np.quantile(samples, 1 - (100 - lv) / 200, axis=1)
        if fit.get("decompose", False):
            seas = _repeat_val_seas(fit["seas_forecast"]["mean"], h=h)
            if fit["decomposition_type"] == "multiplicative":
                lo, hi = lo * seas, hi * seas
            else:
                lo, hi = lo + seas, hi + seas
        out[lv] = (lo, hi)
    return out

out = {"statsforecast": statsforecast.__version__, "horizon": H, "theta": []}

for name, csv, column, m in SERIES:
    y = load(csv, column)
    entry = {"name": name, "file": csv, "column": column, "m": m, "forms": {}}
    for form in [None, "STM", "OTM", "DSTM", "DOTM"]:
        fit = auto_theta(y, m, model=form)
        fc = forecast_theta(fit, H, level=[80, 95])
        pi = theta_intervals(fit, H, [80, 95])
        entry["forms"][form or "auto"] = {
            "form": fit["modeltype"],
            "alpha": float(fit["par"]["alpha"]),
            "theta": float(fit["par"]["theta"]),
            "initial_smoothed": float(fit["par"]["initial_smoothed"]),
            "objective": float(fit["mse"]),
            "decomposition": fit.get("decomposition_type") if fit.get("decompose") else None,
            "mean": clean(fc["mean"]),
            "lower80": clean(pi[80][0]), "upper80": clean(pi[80][1]),
            "lower95": clean(pi[95][0]), "upper95": clean(pi[95][1]),
        }
    out["theta"].append(entry)
    auto = entry["forms"]["auto"]
    print(name, auto["form"], auto["decomposition"], round(auto["alpha"], 4),
          round(auto["theta"], 4))

# Complex exponential smoothing: AutoCES and each seasonal form (N has no season).
out["ces"] = []
for name, csv, column, m in SERIES:
    y = load(csv, column)
    entry = {"name": name, "file": csv, "column": column, "m": m, "forms": {}}
    for form in ["Z", "N", "S", "P", "F"]:
        fit = auto_ces(y, m, model=form)
        fc = forecast_ces(fit, H, level=[80, 95])
        par = fit["par"]
        entry["forms"]["auto" if form == "Z" else form] = {
            "form": fit["seasontype"],
            "alpha_0": float(par["alpha_0"]), "alpha_1": float(par["alpha_1"]),
            "beta_0": None if np.isnan(par["beta_0"]) else float(par["beta_0"]),
            "beta_1": None if np.isnan(par["beta_1"]) else float(par["beta_1"]),
            "objective": float(-2 * fit["loglik"]),
            "aicc": float(fit["aicc"]),
            "mean": clean(fc["mean"]),
            "lower80": clean(fc["lo-80"]), "upper80": clean(fc["hi-80"]),
            "lower95": clean(fc["lo-95"]), "upper95": clean(fc["hi-95"]),
        }
    out["ces"].append(entry)
    auto = entry["forms"]["auto"]
    print(name, "CES", auto["form"], round(auto["alpha_0"], 4), round(auto["alpha_1"], 4))

# MSTL: the decomposition, and the forecast with AutoETS (no season) on the adjusted series.
out["mstl"] = []
for name, csv, column, periods, h in [
    ("taylor", "taylor_uk_demand_halfhourly_2000.csv", "demand_mw", [48, 336], 48),
    ("air", "air_passengers_monthly.csv", "passengers_thousands", [12], 12),
]:
    y = load(csv, column)
    parts = mstl(y, periods)
    model = MSTL(season_length=periods)
    fc = model.forecast(y=y, h=h, level=[80, 95])
    seasonal = ([parts["seasonal"].to_numpy()] if len(periods) == 1 else
                [parts[f"seasonal{p}"].to_numpy() for p in periods])
    out["mstl"].append({
        "name": name, "file": csv, "column": column, "periods": periods, "horizon": h,
        "trend": clean(parts["trend"].to_numpy()),
        "seasonal": [clean(s) for s in seasonal],
        "mean": clean(fc["mean"]),
        "lower95": clean(fc["lo-95"]), "upper95": clean(fc["hi-95"]),
    })
    print(name, "MSTL", periods)

# Conformal intervals (per horizon step, from cross-validation windows one horizon apart
# ending at the training end), for seasonal naive on air passengers: 5 windows, h = 12.
y = load("air_passengers_monthly.csv", "passengers_thousands")
df = pd.DataFrame({"unique_id": "air", "ds": np.arange(len(y)), "y": y})
sf = StatsForecast(models=[SeasonalNaive(season_length=12)], freq=1)
fc = sf.forecast(df=df, h=H, level=[80, 95],
                 prediction_intervals=ConformalIntervals(h=H, n_windows=5))
col = "SeasonalNaive"
out["conformal_air_snaive"] = {
    "windows": 5,
    "levels": [80, 95],
    "mean": clean(fc[col].to_numpy()),
    "lower80": clean(fc[f"{col}-lo-80"].to_numpy()),
    "upper80": clean(fc[f"{col}-hi-80"].to_numpy()),
    "lower95": clean(fc[f"{col}-lo-95"].to_numpy()),
    "upper95": clean(fc[f"{col}-hi-95"].to_numpy()),
}

with open(os.path.join(HERE, "families.json"), "w") as f:
    json.dump(out, f, indent=1)
print("wrote families.json")
