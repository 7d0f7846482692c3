"""Reference figures for Foresight's statistical models, from statsmodels.

Writes tests/data/stats/sarimax.json. Run with the system python (statsmodels 0.15):
    python3 tests/data/make_stats_reference.py
Each case is fitted twice: with statsmodels' default approximate-diffuse initialisation of
the integrated states (variance 1e6, the first d + mD points burnt) and with its exact
diffuse initialisation, which is the exact likelihood of the differenced series that
Foresight maximises.
"""
import json
import os
import warnings

import numpy as np
import statsmodels
from statsmodels.tsa.statespace.sarimax import SARIMAX

from fixtures import HERE, clean, load

warnings.simplefilter("ignore")


CASES = [
    ("arima_212_air", "air_passengers_monthly.csv", "passengers_thousands", None, (2, 1, 2), (0, 0, 0, 0), "n"),
    ("sarima_111_011_12_air", "air_passengers_monthly.csv", "passengers_thousands", None, (1, 1, 1), (0, 1, 1, 12), "n"),
    ("airline_log_air", "air_passengers_monthly.csv", "passengers_thousands", "log", (0, 1, 1), (0, 1, 1, 12), "n"),
    ("arma_101_mean_wine", "aus_wine_sales_monthly.csv", "bottles", None, (1, 0, 1), (0, 0, 0, 0), "c"),
    ("ar_2_mean_infl", "us_macro_quarterly.csv", "infl", None, (2, 0, 0), (0, 0, 0, 0), "c"),
    ("sarima_100_100_4_realgdp_growth", "us_macro_quarterly.csv", "realgdp", "logdiff", (1, 0, 0), (1, 0, 0, 4), "c"),
]

out = {"statsmodels": statsmodels.__version__, "steps": 24, "cases": []}
for name, csv, column, transform, order, seasonal, trend in CASES:
    y = load(csv, column)
    if transform == "log":
        y = np.log(y)
    elif transform == "logdiff":
        y = 100 * np.diff(np.log(y))
    case = {
        "name": name,
        "series": csv,
        "column": column,
        "transform": transform,
        "order": list(order),
        "seasonal_order": list(seasonal),
        "trend": trend,
    }
    for init in ("approximate_diffuse", "exact_diffuse"):
        model = SARIMAX(y, order=order, seasonal_order=seasonal, trend=trend,
                        use_exact_diffuse=(init == "exact_diffuse"))
        fit = model.fit(disp=False, maxiter=1000)
        fc = fit.get_forecast(24)
        f80 = fc.conf_int(alpha=0.2)
        f95 = fc.conf_int(alpha=0.05)
        case[init] = {
            "param_names": list(model.param_names),
            "params": clean(fit.params),
            "llf": float(fit.llf),
            "aic": float(fit.aic),
            "aicc": float(fit.aicc),
            "nobs_effective": int(fit.nobs_effective),
            "loglikelihood_burn": int(fit.loglikelihood_burn),
            "converged": bool(fit.mle_retvals.get("converged", True)),
            "mean": clean(fc.predicted_mean),
            "lower80": clean(f80[:, 0]),
            "upper80": clean(f80[:, 1]),
            "lower95": clean(f95[:, 0]),
            "upper95": clean(f95[:, 1]),
        }
    out["cases"].append(case)

with open(os.path.join(HERE, "sarimax.json"), "w") as f:
    json.dump(out, f, indent=1)
print("wrote", len(out["cases"]), "cases")

# --- Exponential smoothing: statsmodels ETSModel (maximum likelihood, estimated initial
# states) → tests/data/stats/ets.json
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

ETS_CASES = [
    ("AAA_air", "air_passengers_monthly.csv", "passengers_thousands", "add", "add", False, "add", 12),
    ("MAM_air", "air_passengers_monthly.csv", "passengers_thousands", "mul", "add", False, "mul", 12),
    ("MAdM_air", "air_passengers_monthly.csv", "passengers_thousands", "mul", "add", True, "mul", 12),
    ("MNM_wine", "aus_wine_sales_monthly.csv", "bottles", "mul", None, False, "mul", 12),
    ("AAdN_realgdp", "us_macro_quarterly.csv", "realgdp", "add", "add", True, None, 1),
    ("ANN_infl", "us_macro_quarterly.csv", "infl", "add", None, False, None, 1),
]
ets_out = {"statsmodels": statsmodels.__version__, "steps": 12, "cases": []}
for name, csv, column, error, trend, damped, seasonal, m in ETS_CASES:
    y = load(csv, column)
    model = ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                     seasonal_periods=(m if seasonal else None))
    fit = model.fit(disp=False, maxiter=5000)
    params = dict(zip(model.param_names, fit.params))
    ets_out["cases"].append({
        "name": name, "series": csv, "column": column, "error": error, "trend": trend,
        "damped": damped, "seasonal": seasonal, "m": m,
        "alpha": params.get("smoothing_level"), "beta": params.get("smoothing_trend"),
        "gamma": params.get("smoothing_seasonal"), "phi": params.get("damping_trend"),
        "llf": float(fit.llf), "aicc": float(fit.aicc),
        "mean": clean(fit.forecast(12)),
    })
with open(os.path.join(HERE, "ets.json"), "w") as f:
    json.dump(ets_out, f, indent=1)
print("wrote", len(ets_out["cases"]), "ETS cases")

# --- Holt / Holt-Winters: statsmodels' ExponentialSmoothing (least squares with estimated
# initial states, which for additive errors is the maximum-likelihood fit)
# → tests/data/stats/holt_winters.json
from statsmodels.tsa.holtwinters import ExponentialSmoothing

HW_CASES = [
    ("holt_realgdp", "us_macro_quarterly.csv", "realgdp", "add", False, None, None),
    ("holt_damped_realgdp", "us_macro_quarterly.csv", "realgdp", "add", True, None, None),
    ("holt_winters_additive_air", "air_passengers_monthly.csv", "passengers_thousands", "add", False, "add", 12),
    ("holt_winters_additive_wine", "aus_wine_sales_monthly.csv", "bottles", "add", False, "add", 12),
    ("holt_realcons", "us_macro_quarterly.csv", "realcons", "add", False, None, None),
    ("holt_cpi", "us_macro_quarterly.csv", "cpi", "add", False, None, None),
    ("holt_winters_additive_realinv", "us_macro_quarterly.csv", "realinv", "add", False, "add", 4),
]
hw_out = {"statsmodels": statsmodels.__version__, "steps": 12, "cases": []}
for name, csv, column, trend, damped, seasonal, m in HW_CASES:
    y = load(csv, column)
    model = ExponentialSmoothing(y, trend=trend, damped_trend=damped, seasonal=seasonal,
                                 seasonal_periods=m, initialization_method="estimated")
    fit = model.fit(optimized=True, use_brute=True)
    p = fit.params
    hw_out["cases"].append({
        "name": name, "series": csv, "column": column, "trend": trend, "damped": damped,
        "seasonal": seasonal, "m": m,
        "alpha": float(p["smoothing_level"]),
        "beta": None if trend is None else float(p["smoothing_trend"]),
        "gamma": None if seasonal is None else float(p["smoothing_seasonal"]),
        "phi": float(p["damping_trend"]) if damped else None,
        "sse": float(fit.sse),
        "mean": clean(fit.forecast(12)),
    })
with open(os.path.join(HERE, "holt_winters.json"), "w") as f:
    json.dump(hw_out, f, indent=1)
print("wrote", len(hw_out["cases"]), "Holt-Winters cases")
