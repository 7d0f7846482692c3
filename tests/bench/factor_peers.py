"""With related columns at hand, does the leaderboard's pick forecast as well as the best
thing a forecaster could have run themselves? On six real price and macro series from
`../shared/data`, each with two or three related columns, Foresight's
`backtest --models all,ensemble --features <the related columns>` (default folds) picks a
model before seeing the hold-out. Its families that take factors (ridge, lasso, elastic
net, boosted trees: each factor's last value and change at the origin; VAR: modelled with
the target) read them only up to each forecast origin. The peers forecast the same hold-out
(the last h points) from the same training points, likewise never seeing a factor's future:

    arch GARCH(1,1)                  constant mean on 100 × log returns, carried to levels
    statsmodels VAR                  target and factors, differenced, order by AIC
    sklearn RidgeCV / LassoCV / ElasticNetCV, LightGBM
                                     one model per step on Foresight's design (recent changes,
                                     Fourier terms, each factor's last value and change)
    Prophet                          defaults, no regressors (the factors' future is unknown)
    StatsForecast AutoETS / AutoARIMA / AutoTheta / seasonal naive / naive (univariate)

(the implementations are stats_peers' `family_peer` and pick_peers' `peer_forecast`). The
bar is the best peer *on the hold-out*: an oracle pick among the peers, harder than any one.
Every series is first written to a temporary CSV (its date column, the target and the
factors, cut to the rows where all of them are present: the FRED file's columns start at
different dates), and Foresight and the peers both read exactly that file.

    make bench-factors                    # builds `foresight` (opt-level 3), runs everything
    python3 tests/bench/factor_peers.py [--foresight PATH] [--data DIR] [--only NAME]
                                        [--no-peers]

Prints one JSON line per series:
    {"series", "n", "m", "h", "factors", "pick", "pick_mase", "why", "best_row",
     "best_row_mase", "peer", "peer_mase", "seconds", "peers", "rows", "row_errors"}
(`n` the training points, `seconds` the wall time of Foresight's whole `backtest` run,
`peers` every peer's hold-out MASE or why it failed, `rows` every Foresight row's), then a
table and "pick <= best peer on K of N; our best row <= best peer on J of N". The peers'
scores are kept in --peer-cache, keyed by series, training length and horizon (they do not
depend on Foresight), so a rerun after a change to Foresight runs Foresight alone. Needs
the peers' venv (see the Makefile's `pyref`) unless --no-peers.
"""
import argparse
import csv
import json
import logging
import math
import multiprocessing
import os
import queue as queues
import sys
import tempfile
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from pick_peers import foresight_run, peer_forecast  # noqa: E402
from stats_peers import family_peer, mase, read_column, read_dates, read_frame_columns  # noqa: E402

DEFAULT_DATA = os.path.join(HERE, "..", "..", "..", "shared", "data")
DEFAULT_BINARY = os.path.expanduser("~/.cache/foresight-target/debug/foresight")

# (name, file, target, factors, season, horizon)
SERIES = [
    ("MN gasoline price (weekly)", "eia_petroleum_weekly.csv",
     "mn_midgrade_gasoline_price_usd_gal",
     ["us_stocks_crude_and_products_kbbl", "us_refinery_utilization_pct",
      "us_gasoline_product_supplied_kbpd"], 52, 13),
    ("US gasoline supplied (weekly)", "eia_petroleum_weekly.csv",
     "us_gasoline_product_supplied_kbpd",
     ["mn_midgrade_gasoline_price_usd_gal", "us_refinery_utilization_pct"], 52, 13),
    ("WTI (monthly)", "fred_monthly_fx_oil_rates.csv", "MCOILWTICO", ["EXUSEU", "GS10"], 12, 12),
    ("10-year yield (monthly)", "fred_monthly_fx_oil_rates.csv", "GS10",
     ["T10YIEM", "MCOILWTICO"], 12, 12),
    ("US inflation (quarterly)", "us_macro_quarterly.csv", "infl", ["tbilrate", "unemp"], 4, 8),
    ("US real consumption (quarterly)", "us_macro_quarterly.csv", "realcons",
     ["realdpi", "tbilrate"], 4, 8),
]

UNIVARIATE = ["AutoETS", "AutoARIMA", "AutoTheta", "SeasonalNaive", "Naive"]
FAMILIES = ["garch", "var", "ridge", "lasso", "elasticnet", "gbt", "prophet"]


def write_cut(source, columns, out):
    """Writes the first column and `columns` of `source` to `out`, from the first row where
    all of them are present to the last; returns the rows written."""
    with open(source, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        at = [0] + [header.index(c) for c in columns]
        rows = [[r[i] for i in at] for r in reader if r]
    full = [i for i, r in enumerate(rows) if all(c.strip() for c in r[1:])]
    rows = rows[full[0]:full[-1] + 1]
    with open(out, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow([header[0]] + columns)
        writer.writerows(rows)
    return len(rows)


def peer_child(key, train, factors, m, h, dates, queue):
    """One peer's forecast path of the hold-out (or why it failed), in a child process."""
    warnings.simplefilter("ignore")
    for quiet in ("cmdstanpy", "prophet.plot"):  # Prophet's chatter on stderr
        logging.getLogger(quiet).disabled = True
    try:
        if key in UNIVARIATE:
            peer_forecast(key, train, m, h, queue)
        else:
            queue.put(family_peer(key, train, factors, m, h, dates)[2])
    except Exception as e:  # a peer that fails is recorded as failed, the run goes on
        queue.put(f"failed: {type(e).__name__}: {str(e)[:120]}")


def peers(train, actual, factors, m, h, dates, limit_s):
    """Every peer's hold-out MASE, or a string saying why there is none."""
    scores = {}
    for key in FAMILIES + UNIVARIATE:
        queue = multiprocessing.Queue()
        child = multiprocessing.Process(
            target=peer_child, args=(key, train, factors, m, h, dates, queue))
        child.start()
        try:
            pred = queue.get(timeout=limit_s)
        except queues.Empty:
            pred = f"failed: stopped after {limit_s:g} s" if child.is_alive() else \
                "failed: exited without a forecast"
        if child.is_alive():
            child.terminate()
        child.join()
        if not isinstance(pred, str):
            score = mase(train, actual, [float(p) for p in pred], m) if len(pred) == h else math.nan
            pred = score if math.isfinite(score) else "failed: non-finite forecast"
        scores[key] = pred
    return scores


def fmt(v, spec=".3f"):
    return "—" if v is None else format(v, spec)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--foresight", default=DEFAULT_BINARY, help="the foresight binary")
    parser.add_argument("--data", default=DEFAULT_DATA, help="folder of the series")
    parser.add_argument("--only", help="run the series whose name contains this")
    parser.add_argument("--no-peers", action="store_true", help="Foresight alone")
    parser.add_argument("--peer-limit", type=float, default=300,
                        help="seconds a peer's fit may take before it is stopped")
    parser.add_argument("--peer-cache", default=os.path.expanduser(
                            "~/.cache/foresight-factor-peers.json"),
                        help="peers' scores kept between runs; delete it to run them again")
    args = parser.parse_args()
    cache = {}
    if os.path.exists(args.peer_cache):
        with open(args.peer_cache) as f:
            cache = json.load(f)
    warnings.simplefilter("ignore")
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, file, target, factors, m, h) in enumerate(SERIES):
            if args.only and args.only.lower() not in name.lower():
                continue
            path = os.path.join(tmp, f"series{i}.csv")
            write_cut(os.path.join(args.data, file), [target] + factors, path)
            y = read_column(path, target)
            train, actual = y[:-h], y[-h:]
            line = {"series": name, "n": len(train), "m": m, "h": h, "factors": factors}
            try:
                line.update(foresight_run(args.foresight, path, target, m, h,
                                          extra=("--features", ",".join(factors))))
            except RuntimeError as e:
                line["error"] = str(e)
            if not args.no_peers:
                key = f"{name}:{len(train)}:{h}"
                if key not in cache:
                    cols = [c[:-h] for c in read_frame_columns(path, factors)]
                    cache[key] = peers(train, actual, cols, m, h, read_dates(path),
                                       args.peer_limit)
                    with open(args.peer_cache, "w") as f:
                        json.dump(cache, f, indent=1)
                line["peers"] = cache[key]
                ok = [(v, k) for k, v in cache[key].items() if not isinstance(v, str)]
                if ok:
                    line["peer_mase"], line["peer"] = min(ok)
            print(json.dumps(line))
            sys.stdout.flush()
            lines.append(line)
    print()
    print("| series | n | m | h | factors | pick | pick MASE | our best row | best peer "
          "| peer MASE | pick ≤ peer | best row ≤ peer | seconds |")
    print("|---|---:|---:|---:|---|---|---:|---|---|---:|:-:|:-:|---:|")
    wins = best_wins = compared = 0
    for r in lines:
        pick_win = best_win = ""
        if r.get("pick_mase") is not None and r.get("peer_mase") is not None:
            compared += 1
            bar = r["peer_mase"] * (1 + 1e-9)
            pick_win = "yes" if r["pick_mase"] <= bar else "no"
            best_win = "yes" if r["best_row_mase"] <= bar else "no"
            wins += pick_win == "yes"
            best_wins += best_win == "yes"
        best = f"{r['best_row']} {fmt(r['best_row_mase'])}" if r.get("best_row") else "—"
        print(f"| {r['series']} | {r['n']:,} | {r['m']} | {r['h']} | {', '.join(r['factors'])} "
              f"| {r.get('pick') or r.get('error', '—')} | {fmt(r.get('pick_mase'))} | {best} "
              f"| {r.get('peer', '—')} | {fmt(r.get('peer_mase'))} | {pick_win} | {best_win} "
              f"| {fmt(r.get('seconds'), '.1f')} |")
    print()
    print(f"pick <= best peer on {wins} of {compared}; "
          f"our best row <= best peer on {best_wins} of {compared}")
    if not args.no_peers and lines:
        # Every peer's hold-out MASE per series, beside Foresight's row of the same family.
        keys = FAMILIES + UNIVARIATE
        ours = {"garch": "garch", "var": "var", "ridge": "ridge", "lasso": "lasso",
                "elasticnet": "elasticnet", "gbt": "gbt", "prophet": "prophet",
                "AutoETS": "ets", "AutoARIMA": "arima", "AutoTheta": "theta",
                "SeasonalNaive": "snaive", "Naive": "naive"}
        print()
        print("| series | " + " | ".join(keys) + " |")
        print("|---|" + "---:|" * len(keys))
        for r in lines:
            cells = []
            for k in keys:
                v = r.get("peers", {}).get(k)
                peer = "failed" if isinstance(v, str) else fmt(v)
                cells.append(f"{peer} ({fmt(r.get('rows', {}).get(ours[k], {}).get('mase'))})")
            print(f"| {r['series']} | " + " | ".join(cells) + " |")
        print("(peer MASE, in brackets Foresight's row of the same family)")
        for r in lines:
            for k, v in r.get("peers", {}).items():
                if isinstance(v, str):
                    print(f"{r['series']}: peer {k} {v}")
            for k, v in r.get("row_errors", {}).items():
                print(f"{r['series']}: Foresight row {k}: {v}")


if __name__ == "__main__":
    main()
