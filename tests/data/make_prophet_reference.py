"""Reference figures for the Prophet-style model: Prophet 1.5.0 (linear growth, additive,
automatic seasonalities, MAP by Stan's L-BFGS; and logistic growth with a constant cap on
two of them) on three real series — monthly airline
passengers (yearly season), daily WTI crude prices on business days (yearly and weekly),
and eight weeks of hourly I-94 traffic (daily and weekly) with US public holidays sharing
one effect (the dates of src/data/holidays/us.csv, as a holidays frame named "holiday"),
alone and with the air temperature as an extra regressor (`add_regressor`) — each fitted
on all but its last points and forecast over them. Stored: the fitted k, m, σ, slope
changes and seasonal/holiday/regressor coefficients, the forecasts, the time stamps and
the regressors' values.

Writes tests/data/stats/prophet.json. Needs the peers' venv (see make_peer_reference.py):
    ~/.cache/foresight-pyref/bin/python tests/data/make_prophet_reference.py
The figures are committed, so the Rust tests need no Python.
"""
import json
import logging
import os

import numpy as np
import pandas as pd
import prophet
from prophet import Prophet

from fixtures import HERE

logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
ROOT = os.path.dirname(os.path.dirname(HERE))
US = pd.read_csv(os.path.join(ROOT, "..", "src", "data", "holidays", "us.csv"), comment="#")

# (name, file, column, horizon, holidays, regressors, cap: logistic growth when given)
CASES = [
    ("air passengers", "air_passengers_monthly.csv", "passengers_thousands", 12, False, [], None),
    ("WTI crude", "wti_crude_daily_2012_2019.csv", "wti_usd_bbl", 23, False, [], None),
    ("I-94 traffic", "metro_traffic_hourly_2018.csv", "traffic_volume", 24, True, [], None),
    ("I-94 traffic with temperature", "metro_traffic_hourly_2018.csv", "traffic_volume", 24,
     True, ["temp_k"], None),
    ("air passengers, logistic", "air_passengers_monthly.csv", "passengers_thousands", 12,
     False, [], 700.0),
    ("WTI crude, logistic", "wti_crude_daily_2012_2019.csv", "wti_usd_bbl", 23, False, [],
     130.0),
]

out = {"prophet": prophet.__version__, "cases": []}
for name, file, column, horizon, holidays, regressors, cap in CASES:
    frame = pd.read_csv(os.path.join(HERE, file))
    frame = frame.rename(columns={frame.columns[0]: "ds", column: "y"})[["ds", "y"] + regressors]
    frame["ds"] = pd.to_datetime(frame["ds"])
    frame = frame.dropna().reset_index(drop=True)
    kwargs = {}
    if cap is not None:
        frame["cap"] = cap
        kwargs["growth"] = "logistic"
    train, test = frame.iloc[:-horizon], frame.iloc[-horizon:]
    if holidays:
        kwargs["holidays"] = pd.DataFrame({"holiday": "holiday",
                                           "ds": pd.to_datetime(US["date"])})
    model = Prophet(**kwargs)
    for r in regressors:
        model.add_regressor(r)
    model.fit(train)
    forecast = model.predict(test[["ds"] + regressors + (["cap"] if cap else [])])
    params = {k: np.asarray(v).ravel().tolist() for k, v in model.params.items()}
    out["cases"].append({
        "name": name,
        "file": file,
        "column": column,
        "holidays": holidays,
        "cap": cap,
        "regressors": {r: frame[r].astype(float).tolist() for r in regressors},
        "stamps": [int(s) for s in frame["ds"].astype("int64") // 10**9],
        "y": frame["y"].astype(float).tolist(),
        "horizon": horizon,
        "seasonalities": {k: v["fourier_order"] for k, v in model.seasonalities.items()},
        "y_scale": float(model.y_scale),
        "k": params["k"][0],
        "m": params["m"][0],
        "sigma_obs": params["sigma_obs"][0],
        "delta": params["delta"],
        "beta": params["beta"],
        "yhat": forecast["yhat"].tolist(),
        "yhat_lower": forecast["yhat_lower"].tolist(),
        "yhat_upper": forecast["yhat_upper"].tolist(),
    })
    print(name, model.seasonalities.keys(), params["k"], params["sigma_obs"])
with open(os.path.join(HERE, "prophet.json"), "w") as f:
    json.dump(out, f)
