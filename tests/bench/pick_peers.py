"""Does the leaderboard's pick forecast as well as the best thing a forecaster could have run
themselves? On fourteen real series from `../shared/data` (seven of them, the EIA weekly,
FRED monthly, WTI daily, Seattle hourly and I-94 hourly ones, are in none of this repo's
fixtures; the others' files are also under tests/data/stats, which only the parity tests
read), Foresight's
`backtest --models all,ensemble` (default folds) picks a model before seeing the hold-out;
the peers (StatsForecast's AutoETS / AutoARIMA / AutoTheta / AutoCES / MSTL / seasonal
naive / naive and statsmodels' Holt-Winters) each forecast the same hold-out, and the best
of them *on the hold-out* is the bar (an oracle pick among the peers, a harder bar than any
one peer).

    make bench-pick                       # builds `foresight` (opt-level 3), runs everything
    python3 tests/bench/pick_peers.py --foresight PATH [--data DIR] [--only NAME] [--no-peers]
                                      [--ends K]

Prints one JSON line per series, then a table:
    {"series", "n", "m", "h", "pick", "pick_mase", "why", "best_row", "best_row_mase",
     "peer", "peer_mase", "conformal_coverage_95", "conformal_coverage_80", "seconds"}
and the pooled empirical coverage of the pick's conformal 80% and 95% intervals over every
held-out point. `seconds` is the wall time of Foresight's whole `backtest` run (every
model, every fold, the hold-out). Needs the peers' venv (see tests/data/make_peer_reference.py)
unless --no-peers; the series are read from `../shared/data` (see its README) unless --data.
With `--ends K`, each series is also cut short by 1, …, K − 1 horizons and run again
(Foresight alone), so the coverage is pooled over K hold-out windows per series rather than
one: a single window's points share one forecast, so one series' surprise sways it. The
peers' scores are kept in --peer-cache (they do not depend on Foresight), so a rerun
after a change to Foresight runs Foresight alone.
"""
import argparse
import json
import math
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from stats_peers import mase, read_column  # noqa: E402

DEFAULT_DATA = os.path.join(HERE, "..", "..", "..", "shared", "data")

# (name, file, column, season, horizon)
SERIES = [
    ("US gasoline supplied (weekly)", "eia_petroleum_weekly.csv",
     "us_gasoline_product_supplied_kbpd", 52, 13),
    ("US crude production (weekly)", "eia_petroleum_weekly.csv",
     "us_crude_field_production_kbpd", 52, 13),
    ("MN gasoline price (weekly)", "eia_petroleum_weekly.csv",
     "mn_midgrade_gasoline_price_usd_gal", 52, 13),
    ("UK demand (half-hourly)", "taylor_uk_demand_halfhourly_2000.csv", "demand_mw", 48, 48),
    ("air passengers (monthly)", "air_passengers_monthly.csv", "passengers_thousands", 12, 12),
    ("aus wine (monthly)", "aus_wine_sales_monthly.csv", "bottles", 12, 12),
    ("US inflation (quarterly)", "us_macro_quarterly.csv", "infl", 4, 8),
    ("US unemployment (quarterly)", "us_macro_quarterly.csv", "unemp", 4, 8),
    ("US real GDP (quarterly)", "us_macro_quarterly.csv", "realgdp", 4, 8),
    ("10-year yield (monthly)", "fred_monthly_fx_oil_rates.csv", "GS10", 12, 12),
    ("Mauna Loa CO2 (weekly)", "mauna_loa_co2_weekly.csv", "co2_ppm", 52, 52),
    ("WTI crude (business daily)", "wti_crude_daily.csv", "wti_usd_bbl", 5, 23),
    ("Seattle temperature (hourly)", "seattle_temperature_hourly_2010.csv", "temp_f", 24, 24),
    ("I-94 traffic (hourly)", "metro_traffic_hourly_with_weather.csv", "traffic_volume", 24, 24),
]


def foresight_run(binary, path, column, m, h, folds=None, models="all,ensemble", extra=()):
    """The leaderboard of `foresight backtest` at default folds (with `extra` arguments,
    e.g. `--features a,b`): the pick, its hold-out figures, our best row, the wall time."""
    t0 = time.perf_counter()
    out = subprocess.run(
        [binary, "backtest", "--csv", path, "--target", column, "--season", str(m),
         "--horizon", str(h), "--holdout", str(h), "--models", models,
         "--fill", "linear", "--json"] + (["--folds", str(folds)] if folds else [])
        + list(extra),
        capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip())
    rows, last = {}, {}
    for line in out.stdout.splitlines():
        v = json.loads(line)
        if "model" in v:
            rows[v["model"]] = v
        else:
            last = v
    pick = last.get("selected")
    scored = [(r["mase"], name) for name, r in rows.items() if r.get("mase") is not None]
    best_mase, best_row = min(scored) if scored else (None, None)
    row = rows.get(pick, {})
    return {
        "pick": pick,
        "pick_mase": row.get("mase"),
        "why": last.get("why"),
        "best_row": best_row,
        "best_row_mase": best_mase,
        "conformal_coverage_95": row.get("conformal_coverage_95"),
        "conformal_coverage_80": row.get("conformal_coverage_80"),
        "seconds": seconds,
        # Every row's fold and hold-out figures, to study selection rules offline.
        "rows": {name: {k: r.get(k) for k in ("backtest_mase", "backtest_spread", "folds",
                                              "mase", "parameters",
                                              "conformal_coverage_95", "fold_scores")}
                 for name, r in rows.items()},
        "row_errors": {name: r["error"] for name, r in rows.items() if r.get("error")},
    }


def peer_forecast(key, train, m, h, queue):
    """One peer's forecast of the hold-out, in a child process (a runaway fit is stopped)."""
    import numpy as np
    warnings.simplefilter("ignore")
    train = np.asarray(train, dtype=float)
    if key.startswith("hw-"):
        from statsmodels.tsa.holtwinters import ExponentialSmoothing
        seasonal = key.split("-")[1]
        model = ExponentialSmoothing(train, trend="add", damped_trend=True,
                                     seasonal=seasonal, seasonal_periods=m).fit()
        queue.put(list(model.forecast(h)))
        return
    from statsforecast.models import (MSTL, AutoARIMA, AutoCES, AutoETS, AutoTheta, Naive,
                                      SeasonalNaive)
    periods = [m, 7 * m] if m in (24, 48) else [m]
    model = {
        "AutoETS": lambda: AutoETS(season_length=m),
        "AutoARIMA": lambda: AutoARIMA(season_length=m),
        "AutoTheta": lambda: AutoTheta(season_length=m),
        "AutoCES": lambda: AutoCES(season_length=m),
        "MSTL": lambda: MSTL(season_length=periods),
        "SeasonalNaive": lambda: SeasonalNaive(season_length=m),
        "Naive": lambda: Naive(),
    }[key]()
    queue.put(list(model.fit(train).predict(h)["mean"]))


def peers(train, actual, m, h, limit_s):
    """Every peer's hold-out MASE (None where it failed or ran past `limit_s`)."""
    keys = ["AutoETS", "AutoARIMA", "AutoTheta", "AutoCES", "MSTL", "SeasonalNaive", "Naive"]
    positive = all(v > 0 for v in train)
    if len(train) >= 2 * m + 2 and m <= 52:
        keys += ["hw-add"] + (["hw-mul"] if positive else [])
    scores = {}
    for key in keys:
        queue = multiprocessing.Queue()
        child = multiprocessing.Process(target=peer_forecast, args=(key, train, m, h, queue))
        child.start()
        child.join(limit_s)
        if child.is_alive():
            child.terminate()
            child.join()
            scores[key] = None
            continue
        try:
            pred = queue.get(timeout=1)
        except Exception:
            scores[key] = None
            continue
        score = mase(train, actual, pred, m)
        scores[key] = score if math.isfinite(score) else None
    return scores


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--foresight", required=True, help="path of the foresight binary")
    parser.add_argument("--data", default=DEFAULT_DATA, help="folder of the series")
    parser.add_argument("--only", help="run the series whose name contains this")
    parser.add_argument("--no-peers", action="store_true", help="Foresight alone")
    parser.add_argument("--folds", type=int, help="Foresight's folds (default: its own)")
    parser.add_argument("--models", default="all,ensemble",
                        help="Foresight's --models (default: all,ensemble)")
    parser.add_argument("--ends", type=int, default=1,
                        help="hold-out windows per series for the coverage: the series cut "
                             "short by 0, 1, …, ENDS − 1 horizons (peers on the whole only)")
    parser.add_argument("--peer-limit", type=float, default=300,
                        help="seconds a peer's fit may take before it is stopped")
    parser.add_argument("--peer-cache", default=os.path.expanduser(
                            "~/.cache/foresight-pick-peers.json"),
                        help="peers' scores kept between runs (they do not change with "
                             "Foresight); delete it to run them again")
    args = parser.parse_args()
    cache = {}
    if os.path.exists(args.peer_cache):
        with open(args.peer_cache) as f:
            cache = json.load(f)
    warnings.simplefilter("ignore")
    lines, cuts = [], []
    for name, file, column, m, h in SERIES:
        if args.only and args.only.lower() not in name.lower():
            continue
        path = os.path.join(args.data, file)
        y = read_column(path, column)
        train, actual = y[:-h], y[-h:]
        line = {"series": name, "n": len(train), "m": m, "h": h}
        try:
            line.update(foresight_run(args.foresight, path, column, m, h, args.folds,
                                      args.models))
        except RuntimeError as e:
            line["error"] = str(e)
        if not args.no_peers:
            key = f"{file}:{column}:{m}:{h}:{len(train)}:{args.peer_limit:g}"
            if key not in cache:
                cache[key] = peers(train, actual, m, h, args.peer_limit)
                with open(args.peer_cache, "w") as f:
                    json.dump(cache, f, indent=1)
            scores = cache[key]
            line["peers"] = scores
            ok = [(v, k) for k, v in scores.items() if v is not None]
            if ok:
                line["peer_mase"], line["peer"] = min(ok)
        print(json.dumps(line))
        sys.stdout.flush()
        lines.append(line)
        for cut in range(1, args.ends):
            more = {"series": name, "n": len(train) - cut * h, "m": m, "h": h, "cut": cut}
            with tempfile.NamedTemporaryFile("w", suffix=".csv") as short:
                with open(path) as f:
                    rows = [r for r in f.read().splitlines() if r.strip()]
                short.write("\n".join(rows[:len(rows) - cut * h]) + "\n")
                short.flush()
                try:
                    more.update(foresight_run(args.foresight, short.name, column, m, h,
                                              args.folds, args.models))
                except RuntimeError as e:
                    more["error"] = str(e)
            print(json.dumps(more))
            sys.stdout.flush()
            cuts.append(more)
    print()
    print("| series | n | m | h | pick | pick MASE | our best row | best peer | peer MASE "
          "| pick ≤ peer | conformal 80% / 95% | seconds |")
    print("|---|---:|---:|---:|---|---:|---|---|---:|:-:|---:|---:|")
    wins = compared = 0
    pooled = {80: [0.0, 0], 95: [0.0, 0]}

    def fmt(v, spec=".3f"):
        return "—" if v is None else format(v, spec)
    for r in cuts:
        for level in (80, 95):
            c = r.get(f"conformal_coverage_{level}")
            if c is not None:
                pooled[level][0] += c * r["h"]
                pooled[level][1] += r["h"]
    for r in lines:
        win = ""
        if r.get("pick_mase") is not None and r.get("peer_mase") is not None:
            compared += 1
            if r["pick_mase"] <= r["peer_mase"] * (1 + 1e-9):
                wins += 1
                win = "yes"
            else:
                win = "no"
        for level in (80, 95):
            c = r.get(f"conformal_coverage_{level}")
            if c is not None:
                pooled[level][0] += c * r["h"]
                pooled[level][1] += r["h"]
        best = f"{r.get('best_row')} {fmt(r.get('best_row_mase'))}" if r.get("best_row") else "—"
        cover = (f"{fmt(r.get('conformal_coverage_80'), '.2f')} / "
                 f"{fmt(r.get('conformal_coverage_95'), '.2f')}")
        print(f"| {r['series']} | {r['n']:,} | {r['m']} | {r['h']} | "
              f"{r.get('pick') or r.get('error', '—')} | {fmt(r.get('pick_mase'))} | {best} | "
              f"{r.get('peer', '—')} | {fmt(r.get('peer_mase'))} | {win} | {cover} | "
              f"{fmt(r.get('seconds'), '.1f')} |")
    print()
    print(f"pick at or below the best peer on {wins} of {compared} series")
    # Head to head: the pick against each peer run on every series (a forecaster who always
    # runs that one peer), by series won and by the geometric mean of the MASE ratio.
    names = sorted({k for r in lines for k in r.get("peers", {})})
    for name in names:
        ratios = [r["pick_mase"] / r["peers"][name] for r in lines
                  if r.get("pick_mase") is not None and r.get("peers", {}).get(name)]
        if ratios:
            won = sum(1 for q in ratios if q <= 1 + 1e-9)
            mean = math.exp(sum(math.log(q) for q in ratios) / len(ratios))
            print(f"against {name}: pick at or below on {won} of {len(ratios)}; "
                  f"geometric mean MASE ratio {mean:.3f}")
    for level in (80, 95):
        total, count = pooled[level]
        if count:
            print(f"pooled conformal {level}% coverage of the pick: {total / count:.3f} "
                  f"over {count} held-out points ({args.ends} window(s) per series)")
    if cuts:
        print()
        print("| series | conformal 80% / 95% per window, latest first |")
        print("|---|---|")
        for r in lines:
            per = [r] + [c for c in cuts if c["series"] == r["series"]]
            cells = ", ".join(f"{fmt(c.get('conformal_coverage_80'), '.2f')} / "
                              f"{fmt(c.get('conformal_coverage_95'), '.2f')}" for c in per)
            print(f"| {r['series']} | {cells} |")


if __name__ == "__main__":
    main()
