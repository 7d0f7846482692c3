"""Reference figures for VAR: statsmodels' `VAR` on real quarterly data (US real GDP,
consumption and investment, 100 × log changes — statsmodels' own VAR example — and the
levels of inflation, unemployment and the bill rate): the lag order each criterion picks (`select_order(8)`), the fit at the AIC's order (`fit(maxlags=8,
ic="aic")`: coefficients, residual covariance, criteria) and its 8-step forecasts with 95%
intervals (`forecast_interval`), and its impulse responses (`irf(8)`: plain and
orthogonalised).

Writes tests/data/stats/var.json. Needs the peers' venv (see make_peer_reference.py):
    ~/.cache/foresight-pyref/bin/python tests/data/make_var_reference.py
The figures are committed, so the Rust tests need no Python.
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels
from statsmodels.tsa.api import VAR

from fixtures import HERE

frame = pd.read_csv(os.path.join(HERE, "us_macro_quarterly.csv"))
cases = [
    # statsmodels' own example: growth rates, where every criterion picks one lag.
    ("growth", ["realgdp", "realcons", "realinv"],
     100 * np.log(frame[["realgdp", "realcons", "realinv"]]).diff().dropna().to_numpy()),
    # Levels of inflation, unemployment and the bill rate, where the criteria disagree.
    ("rates", ["infl", "unemp", "tbilrate"], frame[["infl", "unemp", "tbilrate"]].to_numpy()),
]

out = {"statsmodels": statsmodels.__version__, "cases": []}
for name, columns, data in cases:
    model = VAR(data)
    order = model.select_order(8)
    fit = model.fit(maxlags=8, ic="aic")
    point, lower, upper = fit.forecast_interval(data[-fit.k_ar:], steps=8, alpha=0.05)
    out["cases"].append({
        "name": name,
        "columns": columns,
        "data": data.tolist(),
        "selected": {k: int(v) for k, v in order.selected_orders.items()},
        "k_ar": int(fit.k_ar),
        # Rows: the constant, then lag 1's coefficients on each variable, lag 2's, …; one
        # column per equation (statsmodels' `params`).
        "params": fit.params.tolist(),
        "sigma_u": fit.sigma_u.tolist(),
        "aic": float(fit.aic),
        "bic": float(fit.bic),
        "hqic": float(fit.hqic),
        "fpe": float(fit.fpe),
        "forecast": point.tolist(),
        "lower_95": lower.tolist(),
        "upper_95": upper.tolist(),
        # Impulse responses over 8 steps (steps 0 … 8, each k × k: response row, shock
        # column), plain (the MA coefficients) and orthogonalised (by the Cholesky factor
        # of sigma_u).
        "irf": fit.irf(8).irfs.tolist(),
        "orth_irf": fit.irf(8).orth_irfs.tolist(),
    })
    print(name, out["cases"][-1]["selected"], fit.k_ar, fit.aic)
with open(os.path.join(HERE, "var.json"), "w") as f:
    json.dump(out, f, indent=1)
