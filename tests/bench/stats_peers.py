"""Automatic model choice, side by side: Foresight's AutoETS, auto-ARIMA, AutoTheta, AutoCES
and MSTL against StatsForecast's AutoETS / AutoARIMA / AutoTheta / AutoCES / MSTL and
pmdarima's auto_arima, on the same training points; then the price analyst's families —
GARCH against `arch`, VAR against statsmodels, ridge / lasso / elastic net against
scikit-learn's cross-validated `RidgeCV` / `LassoCV` / `ElasticNetCV` on the same features
(one regression per step, as ours), LightGBM on the same features (one booster per step,
the tree count by early stopping, as ours) and Prophet with its defaults — fit and
forecast time and hold-out MASE.

    make bench-stats                     # builds `foresight` (opt-level 3), runs everything
    python3 tests/bench/stats_peers.py --foresight PATH [--no-peers] [--pmdarima-long] [--families]

Each series is split into training points and a hold-out of one horizon (the season, or 8
for quarterly data). Every tool fits its automatic model on the training points; the table
shows the form it chose, the wall time of that fit (Foresight's from its own clock around
the fit, as `foresight backtest --json` reports it; the peers' around their `fit` call,
after an untimed warm-up so numba's compilation is not counted) and the hold-out MASE.
Besides the table it prints one JSON line per figure:
    {"series": …, "n": …, "m": …, "tool": …, "model": "ets"|"arima"|"theta"|"ces"|"mstl"|
     "garch"|"var"|"ridge"|"lasso"|"elasticnet"|"gbt"|"prophet", "choice": …, "fit_ms": …,
     "mase": …}
(for the families `fit_ms` is fit plus forecast, for both tools.)
pmdarima is skipped on seasons longer than 12 unless --pmdarima-long is given (one
candidate there takes minutes), and a peer's fit is stopped after --peer-limit seconds
(300 by default; the row then says so). Needs the peers' venv (see tests/data/make_peer_reference.py)
unless --no-peers.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "stats")

# The models compared, by Foresight's name.
MODELS = ["ets", "arima", "theta", "ces", "mstl"]

# (name, file, column, season, horizon)
SERIES = [
    ("air passengers (monthly)", "air_passengers_monthly.csv", "passengers_thousands", 12, 12),
    ("aus wine (monthly)", "aus_wine_sales_monthly.csv", "bottles", 12, 12),
    ("US real GDP (quarterly)", "us_macro_quarterly.csv", "realgdp", 4, 8),
    ("Mauna Loa CO2 (weekly)", "mauna_loa_co2_weekly.csv", "co2_ppm", 52, 52),
    ("UK demand (half-hourly)", "taylor_uk_demand_halfhourly_2000.csv", "demand_mw", 48, 48),
]


def read_column(path, column):
    """The column, gaps filled linearly between neighbours (as `--fill linear` does on a
    regular series)."""
    with open(path) as f:
        header = f.readline().strip().split(",")
        at = header.index(column)
        cells = [line.rstrip("\n").split(",")[at] for line in f if line.strip()]
    values = [float(c) if c.strip() else None for c in cells]
    known = [i for i, v in enumerate(values) if v is not None]
    for i, v in enumerate(values):
        if v is None:
            before = max((k for k in known if k < i), default=None)
            after = min((k for k in known if k > i), default=None)
            if before is None or after is None:
                values[i] = values[after if before is None else before]
            else:
                w = (i - before) / (after - before)
                values[i] = values[before] * (1 - w) + values[after] * w
    return values


def mase(train, actual, predicted, m):
    m = m if len(train) > m else 1
    scale = sum(abs(train[t] - train[t - m]) for t in range(m, len(train))) / (len(train) - m)
    return sum(abs(a - p) for a, p in zip(actual, predicted)) / len(actual) / scale


def foresight_rows(binary, path, column, m, h):
    out = subprocess.run(
        [binary, "backtest", "--csv", path, "--target", column, "--season", str(m),
         "--horizon", str(h), "--holdout", str(h), "--folds", "1", "--models", ",".join(MODELS),
         "--fill", "linear", "--json"],
        capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines():
        v = json.loads(line)
        if "model" in v:
            rows.append((v["model"], v.get("label") or v.get("error"), v.get("fit_ms"),
                         v.get("mase")))
    return rows


def arima_label(p, d, q, sp, sd, sq, period):
    return f"ARIMA({p},{d},{q})" + (f"({sp},{sd},{sq})[{period}]" if sp + sd + sq else "")


def periods(m):
    """MSTL's periods, as Foresight chooses them: the week besides the day of sub-daily
    data."""
    return [m, 7 * m] if m in (24, 48) else [m]


def peer_fit(tool, key, train, m, h, queue):
    """One peer fit, timed, in a child process (so a runaway fit can be stopped)."""
    import numpy as np
    warnings.simplefilter("ignore")
    train = np.asarray(train)
    if tool == "statsforecast":
        from statsforecast.models import MSTL, AutoARIMA, AutoCES, AutoETS, AutoTheta
        make = {
            "ets": lambda: AutoETS(season_length=m),
            "arima": lambda: AutoARIMA(season_length=m),
            "theta": lambda: AutoTheta(season_length=m),
            "ces": lambda: AutoCES(season_length=m),
            "mstl": lambda: MSTL(season_length=periods(m)),
        }[key]
        make().fit(train[: max(3 * max(periods(m)), 40)])  # numba warm-up, not timed
        t0 = time.perf_counter()
        model = make().fit(train)
        fit_ms = 1000 * (time.perf_counter() - t0)
        pred = list(model.predict(h)["mean"])
        if key == "ets":
            choice = model.model_["method"]
        elif key == "arima":
            p, q, sp, sq, period, d, sd = model.model_["arma"]
            choice = arima_label(p, d, q, sp, sd, sq, period)
        elif key == "theta":
            choice = f"Theta({model.model_['modeltype']})"
        elif key == "ces":
            choice = f"CES({model.model_['seasontype']})"
        else:
            choice = f"MSTL{periods(m)} + {model.trend_forecaster.model_['method']}"
    else:
        import pmdarima
        t0 = time.perf_counter()
        pm = pmdarima.auto_arima(train, m=m, seasonal=True, stepwise=True,
                                 information_criterion="aicc", suppress_warnings=True,
                                 error_action="ignore")
        fit_ms = 1000 * (time.perf_counter() - t0)
        pred = list(pm.predict(h))
        (p, d, q), (sp, sd, sq, period) = pm.order, pm.seasonal_order
        choice = arima_label(p, d, q, sp, sd, sq, period)
    queue.put((choice, fit_ms, pred))


def peer_rows(y, m, h, with_pmdarima, limit_s):
    import multiprocessing
    train, actual = y[:-h], y[-h:]
    jobs = [("statsforecast", key) for key in MODELS]
    if with_pmdarima:
        jobs.append(("pmdarima", "arima"))
    rows = []
    for tool, key in jobs:
        queue = multiprocessing.Queue()
        child = multiprocessing.Process(target=peer_fit, args=(tool, key, train, m, h, queue))
        child.start()
        child.join(limit_s)
        if child.is_alive():
            child.terminate()
            child.join()
            rows.append((tool, key, f"stopped after {limit_s:.0f} s", None, None))
            continue
        choice, fit_ms, pred = queue.get()
        rows.append((tool, key, choice, fit_ms, mase(train, actual, pred, m)))
    return rows


# The families: (name, file, column, season, horizon, models, factors).
FAMILIES = [
    ("WTI crude (business daily)", "wti_crude_daily_2012_2019.csv", "wti_usd_bbl", 5, 23,
     ["garch", "ridge", "lasso", "elasticnet", "gbt", "prophet"], []),
    ("US inflation (quarterly)", "us_macro_quarterly.csv", "infl", 4, 8,
     ["var", "ridge", "lasso", "elasticnet", "gbt"], ["unemp", "tbilrate"]),
    ("air passengers (monthly)", "air_passengers_monthly.csv", "passengers_thousands", 12, 12,
     ["ridge", "lasso", "elasticnet", "gbt", "prophet"], []),
    ("CO2 (weekly)", "mauna_loa_co2_weekly.csv", "co2_ppm", 52, 13, ["ridge", "gbt", "prophet"],
     []),
    ("UK demand (half-hourly)", "taylor_uk_demand_halfhourly_2000.csv", "demand_mw", 48, 48,
     ["prophet"], []),
]


def family_rows(binary, path, column, m, h, models, factors):
    """Foresight's fit + forecast time (ms) and hold-out MASE of each family model."""
    cmd = [binary, "backtest", "--csv", path, "--target", column, "--season", str(m),
           "--horizon", str(h), "--holdout", str(h), "--folds", "1",
           "--models", ",".join(models), "--fill", "linear", "--json"]
    if factors:
        cmd += ["--features", ",".join(factors)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines():
        v = json.loads(line)
        if "model" in v:
            ms = None if v.get("fit_ms") is None else v["fit_ms"] + (v.get("forecast_ms") or 0)
            rows.append(("foresight", v["model"], v.get("label") or v.get("error"), ms,
                         v.get("mase")))
    return rows


def direct_design(y, factors, m, k, max_samples=4000):
    """Foresight's regression features for step k (see src/models/stats/linear/direct.rs):
    recent changes, the change to the same phase a season back (for a season longer than
    the lags), two Fourier pairs of the target's phase, each factor's last value and change;
    target y[e+k-1] - y[e-1]."""
    import numpy as np
    lags = min(max(m, 3), 24)
    seasons = [m] if m >= 2 else []
    start = max([lags, 2] + seasons)

    def row(series, e):
        last = series[e - 1]
        r = [series[e - 1 - j] - last for j in range(1, lags)]
        target = e + k - 1
        for p in seasons:
            if p > lags:
                r.append(series[target - p * (-(-k // p))] - last)
            phase = 2 * math.pi * (target % p) / p
            for j in range(1, min(p // 2, 2) + 1):
                r += [math.sin(phase * j), math.cos(phase * j)]
        for f in factors:
            r += [f[e - 1], f[e - 1] - f[e - 2]]
        return r
    origins = range(max(start, len(y) + 1 - k - max_samples), len(y) + 1 - k)
    x = np.array([row(y, e) for e in origins])
    t = np.array([y[e + k - 1] - y[e - 1] for e in origins])
    return x, t, row(y, len(y))


def read_dates(path):
    """The first (time) column, as written."""
    with open(path) as f:
        f.readline()
        return [line.split(",")[0] for line in f if line.strip()]


def family_peer(key, train, factors, m, h, dates):
    """The Python peer's fit + forecast: (choice, ms, forecast path)."""
    import numpy as np
    from arch import arch_model
    from sklearn.linear_model import ElasticNetCV, LassoCV, RidgeCV
    from sklearn.model_selection import TimeSeriesSplit
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from statsmodels.tsa.api import VAR
    warnings.simplefilter("ignore")
    # Imports are not timed; the fit and the forecast are.
    t0 = time.perf_counter()
    if key == "garch":
        r = 100 * np.diff(np.log(train))
        res = arch_model(r, mean="Constant", vol="GARCH", p=1, q=1).fit(disp="off")
        res.forecast(horizon=h, reindex=False)
        mu = res.params["mu"]
        pred = [train[-1] * math.exp(k * mu / 100) for k in range(1, h + 1)]
        choice = "arch GARCH(1,1)"
    elif key == "var":
        data = np.diff(np.column_stack([train] + factors), axis=0)
        fit = VAR(data).fit(maxlags=int(round(12 * (len(data) / 100) ** 0.25)), ic="aic")
        changes = fit.forecast(data[-fit.k_ar:], steps=h)[:, 0] if fit.k_ar else \
            np.repeat(fit.params[0, 0], h)
        pred = list(train[-1] + np.cumsum(changes))
        choice = f"statsmodels VAR({fit.k_ar})"
    elif key == "prophet":
        import logging

        import pandas as pd
        from prophet import Prophet
        logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
        n = len(train)
        history = pd.DataFrame({"ds": pd.to_datetime(dates[:n]), "y": train})
        model = Prophet().fit(history)
        future = pd.DataFrame({"ds": pd.to_datetime(dates[n:n + h])})
        pred = list(model.predict(future)["yhat"])
        choice = "Prophet (defaults)"
    elif key == "gbt":
        pred = lightgbm_direct(train, factors, m, h)
        choice = "LightGBM per step, early stopping"
    else:
        pred = []
        for k in range(1, h + 1):
            x, t, now = direct_design(list(train), [list(f) for f in factors], m, k)
            model = {
                "ridge": lambda: RidgeCV(alphas=np.logspace(-3, 3, 13) * len(t)),
                "lasso": lambda: LassoCV(cv=TimeSeriesSplit(3), alphas=13),
                "elasticnet": lambda: ElasticNetCV(l1_ratio=0.5, cv=TimeSeriesSplit(3),
                                                   alphas=13),
            }[key]()
            pipe = make_pipeline(StandardScaler(), model).fit(x, t)
            pred.append(train[-1] + float(pipe.predict(np.array([now]))[0]))
        choice = f"sklearn {key} CV per step"
    return choice, 1000 * (time.perf_counter() - t0), pred


def lightgbm_direct(train, factors, m, h):
    """LightGBM per step on Foresight's features (the latest 2,000 samples), settings as
    Foresight's trees (15 leaves, 10 rows a leaf, L2 1, rate 0.1, 64 bins, no sampling) and
    the tree count by early stopping on the latest fifth of the samples at steps 1, h/2
    and h, then every step refitted on all its samples with that count."""
    import lightgbm as lgb
    import numpy as np
    params = dict(num_leaves=15, min_child_samples=10, reg_lambda=1.0, learning_rate=0.1,
                  max_bin=64, subsample=1.0, colsample_bytree=1.0, min_split_gain=0.0,
                  min_child_weight=0.0, verbose=-1, n_jobs=1)
    y, fs = list(train), [list(f) for f in factors]
    curves = []
    for k in sorted({1, -(-h // 2), h}):
        x, t, _ = direct_design(y, fs, m, k, 2000)
        cut = int(len(t) * 0.8)
        model = lgb.LGBMRegressor(n_estimators=300, **params)
        model.fit(x[:cut], t[:cut], eval_set=[(x[cut:], t[cut:])], eval_metric="l2")
        curves.append(np.array(model.evals_result_["valid_0"]["l2"]))
    rounds = int(np.argmin(np.sum(curves, axis=0))) + 1
    pred = []
    for k in range(1, h + 1):
        x, t, now = direct_design(y, fs, m, k, 2000)
        model = lgb.LGBMRegressor(n_estimators=rounds, **params).fit(x, t)
        pred.append(train[-1] + float(model.predict(np.array([now]))[0]))
    return pred


def emit(table, name, n, m, figures):
    """Prints one JSON line per figure and keeps it for the table."""
    for tool, model, choice, fit_ms, score in figures:
        line = {"series": name, "n": n, "m": m, "tool": tool, "model": model,
                "choice": choice, "fit_ms": fit_ms,
                "mase": None if score is None or not math.isfinite(score) else score}
        print(json.dumps(line))
        table.append(line)
    sys.stdout.flush()


def read_frame_columns(path, columns):
    return [read_column(path, c) for c in columns]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--foresight", required=True, help="path of the foresight binary")
    parser.add_argument("--no-peers", action="store_true", help="time Foresight alone")
    parser.add_argument("--pmdarima-long", action="store_true",
                        help="also run pmdarima on seasons longer than 12 (very slow)")
    parser.add_argument("--peer-limit", type=float, default=300,
                        help="seconds a peer's fit may take before it is stopped")
    parser.add_argument("--families", action="store_true",
                        help="only the families (GARCH, VAR, ridge, lasso, elastic net, boosted trees, Prophet)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    table = []
    for name, file, column, m, h in [] if args.families else SERIES:
        path = os.path.join(DATA, file)
        y = read_column(path, column)
        figures = [("foresight", model, choice, fit_ms, score)
                   for model, choice, fit_ms, score in
                   foresight_rows(args.foresight, path, column, m, h)]
        if not args.no_peers:
            figures += peer_rows(y, m, h, args.pmdarima_long or m <= 12, args.peer_limit)
        emit(table, name, len(y) - h, m, figures)
    for name, file, column, m, h, models, factors in FAMILIES:
        path = os.path.join(DATA, file)
        y = read_column(path, column)
        cols = read_frame_columns(path, factors)
        figures = family_rows(args.foresight, path, column, m, h, models, factors)
        if not args.no_peers:
            train, actual = y[:-h], y[-h:]
            for key in models:
                choice, ms, pred = family_peer(key, train, [c[:-h] for c in cols], m, h,
                                               read_dates(path))
                figures.append(("python", key, choice, ms, mase(train, actual, pred, m)))
        emit(table, name, len(y) - h, m, figures)
    print()
    print(f"| series | n | m | model | tool | choice | fit ms | hold-out MASE |")
    print(f"|---|---:|---:|---|---|---|---:|---:|")
    for r in table:
        fit = "—" if r["fit_ms"] is None else f"{r['fit_ms']:,.0f}"
        score = "—" if r["mase"] is None else f"{r['mase']:.3f}"
        print(f"| {r['series']} | {r['n']:,} | {r['m']} | {r['model']} | {r['tool']} | "
              f"{r['choice']} | {fit} | {score} |")


if __name__ == "__main__":
    main()
