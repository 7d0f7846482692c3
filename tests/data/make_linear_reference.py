"""Reference figures for the penalised linear models: sklearn's `Ridge`, `Lasso` and
`ElasticNet` fitted on real, standardised factors (US quarterly macro data: inflation on
lagged growth rates, rates and unemployment), and `StandardScaler`'s means and scales.

Writes tests/data/stats/linear.json. Needs the peers' venv (see make_peer_reference.py):
    ~/.cache/foresight-pyref/bin/python tests/data/make_linear_reference.py
The figures are committed, so the Rust tests need no Python.
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import ElasticNet, Lasso, Ridge
from sklearn.preprocessing import StandardScaler

from fixtures import HERE

frame = pd.read_csv(os.path.join(HERE, "us_macro_quarterly.csv"))
growth = lambda c: np.log(frame[c]).diff() * 400  # noqa: E731 (annualised percent)
factors = pd.DataFrame({
    "gdp_growth": growth("realgdp"),
    "cons_growth": growth("realcons"),
    "inv_growth": growth("realinv"),
    "m1_growth": growth("m1"),
    "tbilrate": frame["tbilrate"],
    "unemp": frame["unemp"],
    "realint": frame["realint"],
    "infl": frame["infl"],
}).shift(1)  # last quarter's values explain this quarter's inflation
target = frame["infl"]
keep = factors.notna().all(axis=1)
X_raw = factors[keep].to_numpy()
y = target[keep].to_numpy()
scaler = StandardScaler().fit(X_raw)
X = scaler.transform(X_raw)

fits = []
for name, model in [
    ("ridge", Ridge(alpha=10.0)),
    ("ridge", Ridge(alpha=0.1)),
    ("lasso", Lasso(alpha=0.2, tol=1e-12, max_iter=1_000_000)),
    ("lasso", Lasso(alpha=0.01, tol=1e-12, max_iter=1_000_000)),
    ("elasticnet", ElasticNet(alpha=0.2, l1_ratio=0.5, tol=1e-12, max_iter=1_000_000)),
    ("elasticnet", ElasticNet(alpha=0.05, l1_ratio=0.2, tol=1e-12, max_iter=1_000_000)),
]:
    model.fit(X, y)
    fits.append({
        "model": name,
        "alpha": model.alpha,
        "l1_ratio": getattr(model, "l1_ratio", 0.0),
        "intercept": float(model.intercept_),
        "coef": [float(c) for c in model.coef_],
    })

out = {
    "sklearn": sklearn.__version__,
    "factors": list(factors.columns),
    "x_raw": X_raw.tolist(),
    "y": y.tolist(),
    "scaler_mean": scaler.mean_.tolist(),
    "scaler_scale": scaler.scale_.tolist(),
    "fits": fits,
}
with open(os.path.join(HERE, "linear.json"), "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote {len(fits)} fits on {len(y)} rows, sklearn {sklearn.__version__}")
