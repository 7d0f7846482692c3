"""Reference figures from the forecasting peers: StatsForecast and pmdarima (automatic model
choice, baseline intervals) and sklearn / utilsforecast (metrics).

Writes tests/data/stats/peers.json. Needs a venv with the peers (not the system python):
    python3 -m venv ~/.cache/foresight-pyref
    ~/.cache/foresight-pyref/bin/pip install statsforecast==2.1.1 pmdarima==2.1.1 scikit-learn utilsforecast
    ~/.cache/foresight-pyref/bin/python tests/data/make_peer_reference.py
The figures are committed, so the Rust tests need no Python.
"""
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import pmdarima
import sklearn
import statsforecast
import utilsforecast
from sklearn.metrics import (mean_absolute_error, mean_absolute_percentage_error,
                             mean_squared_error)
from statsforecast.models import (AutoARIMA, AutoETS, HistoricAverage, Naive,
                                  RandomWalkWithDrift, SeasonalNaive)
from utilsforecast.losses import mase, smape

from fixtures import HERE, clean, load

warnings.simplefilter("ignore")


SERIES = [
    ("air", "air_passengers_monthly.csv", "passengers_thousands", 12),
    ("wine", "aus_wine_sales_monthly.csv", "bottles", 12),
    ("realgdp", "us_macro_quarterly.csv", "realgdp", 4),
    ("unemp", "us_macro_quarterly.csv", "unemp", 4),
]

out = {
    "statsforecast": statsforecast.__version__,
    "pmdarima": pmdarima.__version__,
    "sklearn": sklearn.__version__,
    "utilsforecast": utilsforecast.__version__,
    "series": [],
}

for name, csv, column, m in SERIES:
    y = load(csv, column)
    entry = {"name": name, "file": csv, "column": column, "m": m}

    # StatsForecast AutoETS (R's ets defaults: AICc, no multiplicative trend).
    ets = AutoETS(season_length=m).fit(y)
    entry["statsforecast_ets"] = {
        "method": ets.model_["method"],
        "aicc": float(ets.model_["aicc"]),
        "loglik": float(ets.model_["loglik"]),
    }

    # StatsForecast AutoARIMA (R's auto.arima defaults).
    arima = AutoARIMA(season_length=m).fit(y)
    p, q, sp, sq, period, d, sd = arima.model_["arma"]
    entry["statsforecast_arima"] = {
        "order": [int(p), int(d), int(q)],
        "seasonal_order": [int(sp), int(sd), int(sq), int(period)],
        "constant": bool(any(k in ("intercept", "drift") for k in arima.model_["coef"])),
        "aicc": float(arima.model_["aicc"]),
        "loglik": float(arima.model_["loglik"]),
    }

    # pmdarima auto_arima, stepwise, ranked by AICc as R and StatsForecast rank.
    pm = pmdarima.auto_arima(y, m=m, seasonal=True, stepwise=True,
                             information_criterion="aicc", suppress_warnings=True,
                             error_action="ignore")
    entry["pmdarima"] = {
        "order": [int(v) for v in pm.order],
        "seasonal_order": [int(v) for v in pm.seasonal_order],
        "constant": bool(pm.with_intercept),
        "aicc": float(pm.aicc()),
        "loglik": float(pm.arima_res_.llf),
    }
    out["series"].append(entry)
    print(name, entry["statsforecast_ets"]["method"], entry["statsforecast_arima"]["order"],
          entry["statsforecast_arima"]["seasonal_order"], entry["pmdarima"]["order"],
          entry["pmdarima"]["seasonal_order"])

# Baselines: point forecasts and 80/95% intervals, 12 steps, on air passengers.
y = load("air_passengers_monthly.csv", "passengers_thousands")
baselines = {}
for key, model in [("naive", Naive()), ("snaive", SeasonalNaive(season_length=12)),
                   ("drift", RandomWalkWithDrift()), ("mean", HistoricAverage())]:
    fc = model.forecast(y=y, h=12, level=[80, 95])
    baselines[key] = {
        "mean": clean(fc["mean"]),
        "lower80": clean(fc["lo-80"]), "upper80": clean(fc["hi-80"]),
        "lower95": clean(fc["lo-95"]), "upper95": clean(fc["hi-95"]),
    }
out["baselines_air_h12"] = baselines

# Metrics: the last 12 months of air passengers against a seasonal-naive forecast made from
# the 132 before them, scored by sklearn (MAE, RMSE, MAPE) and utilsforecast (sMAPE, MASE).
train, test = y[:-12], y[-12:]
pred = train[-12:].copy()
pred[3] = test[3]  # one exact hit, so ties in direction are exercised too
train_df = pd.DataFrame({"unique_id": "air", "ds": np.arange(len(train)), "y": train})
test_df = pd.DataFrame({"unique_id": "air", "ds": np.arange(len(train), len(y)), "y": test,
                        "model": pred})
out["metrics_air"] = {
    "history": clean(train),
    "actual": clean(test),
    "predicted": clean(pred),
    "season": 12,
    "mae": float(mean_absolute_error(test, pred)),
    "rmse": float(math.sqrt(mean_squared_error(test, pred))),
    "mape_percent": float(100 * mean_absolute_percentage_error(test, pred)),
    # utilsforecast's smape is mean(|y-ŷ| / (|y|+|ŷ|)), in [0, 1]; M4's is 200× that.
    "smape_utilsforecast": float(smape(test_df, ["model"])["model"].iloc[0]),
    "mase": float(mase(test_df, ["model"], seasonality=12, train_df=train_df)["model"].iloc[0]),
}

with open(os.path.join(HERE, "peers.json"), "w") as f:
    json.dump(out, f, indent=1)
print("wrote peers.json")
