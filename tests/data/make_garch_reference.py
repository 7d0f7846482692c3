"""Reference figures for GARCH: Python `arch` 8.0.0's `arch_model(...).fit()` on real daily
returns (WTI crude, 2012–2019, 100 × log change, holidays dropped): constant mean with
GARCH(1,1), GARCH(2,1) and GARCH(1,2) under normal errors and GARCH(1,1) under Student-t
errors, an AR(1) mean with GARCH(1,1) under normal errors (`mean="AR", lags=1`), and
GARCH(1,1) with no mean (`mean="Zero"`, as on a mean model's residuals) —
parameters, log-likelihood, the variance backcast (from the residuals at `arch`'s starting
values: none, the sample mean, or the mean equation's least squares), the 10-step mean and
variance forecasts.

Writes tests/data/stats/garch.json. Needs the peers' venv (see make_peer_reference.py) with
`arch` (`~/.cache/foresight-pyref/bin/pip install arch==8.0.0`):
    ~/.cache/foresight-pyref/bin/python tests/data/make_garch_reference.py
The figures are committed, so the Rust tests need no Python.
"""
import json
import os

import arch
import numpy as np
import pandas as pd
from arch import arch_model

from fixtures import HERE

prices = pd.read_csv(os.path.join(HERE, "wti_crude_daily_2012_2019.csv"))["wti_usd_bbl"]
prices = prices.dropna().to_numpy()
returns = 100 * np.diff(np.log(prices))

fits = []
for p, q, dist, ar, zero in [(1, 1, "normal", 0, False), (2, 1, "normal", 0, False),
                             (1, 2, "normal", 0, False), (1, 1, "t", 0, False),
                             (1, 1, "normal", 1, False), (1, 1, "normal", 0, True)]:
    if zero:
        mean = {"mean": "Zero"}
    else:
        mean = {"mean": "AR", "lags": ar} if ar else {"mean": "Constant"}
    model = arch_model(returns, vol="GARCH", p=p, q=q, dist=dist, **mean)
    res = model.fit(disp="off", options={"ftol": 1e-12, "maxiter": 2000})
    backcast = model.volatility.backcast(model.resids(model.starting_values()))
    forecast = res.forecast(horizon=10, reindex=False)
    fits.append({
        "p": p,
        "q": q,
        "dist": dist,
        "ar": ar,
        "mean": mean["mean"],
        "params": {k: float(v) for k, v in res.params.items()},
        "loglikelihood": float(res.loglikelihood),
        "backcast": float(backcast),
        "mean_forecast": [float(v) for v in forecast.mean.iloc[-1]],
        "variance_forecast": [float(v) for v in forecast.variance.iloc[-1]],
        "converged": int(res.convergence_flag) == 0,
    })

out = {"arch": arch.__version__, "returns": returns.tolist(), "fits": fits}
with open(os.path.join(HERE, "garch.json"), "w") as f:
    json.dump(out, f, indent=1)
for fit in fits:
    print(fit["p"], fit["q"], fit["dist"], fit["params"], round(fit["loglikelihood"], 4), fit["converged"])
