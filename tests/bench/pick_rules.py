"""Selection rules, studied offline on `pick_peers.py`'s JSON lines (which record every
row's fold and hold-out MASE): how would another rule for the pick have fared against the
peers on the same hold-outs?

    python3 tests/bench/pick_peers.py --foresight BIN > pick.log
    python3 tests/bench/pick_rules.py pick.log      # or factor_peers.py's lines

Rules: `cv` (today's, the engine's: see `cross_validated`), `tie2` (the rule before it:
lowest mean fold MASE, the fewest numbers kept within 2%),
`lowest` (no tie-break), `seK` (K standard errors of the best row's fold MASE, then the
simplest: baselines, then single models by numbers kept, then ensembles) and each ensemble
row always. Per rule: series where the pick is at or below the oracle best peer, the
geometric mean of pick / best peer, and of pick / each peer.
"""
import json
import math
import sys

BASELINES = {"naive": 0, "snaive": 0, "drift": 1, "mean": 1}
RULES = ["tie2", "lowest", "se0.5", "se1", "se2", "ens-mean", "ens-median", "ens-inverse",
         "ens-stack", "cv"]


def simplicity(name, row):
    if name in BASELINES:
        return (0, BASELINES[name])
    if name.startswith("ens-"):
        return (2, 0)
    return (1, row.get("parameters") or 10**9)


def folds_of(row):
    return {f["origin"]: f["error"] for f in row.get("fold_scores") or []}


def cross_validated(scored, horizon):
    """The engine's rule (src/eval/select.rs): selection scored as the ensembles are — on
    each fold, the single model (`tie2`) the folds whose windows do not overlap it favour,
    scored on that fold — against each ensemble's fold errors over the same folds; the
    lowest ensemble below it is picked, else `tie2`'s among the single models."""
    singles = {n: folds_of(r) for n, r in scored.items() if not n.startswith("ens-")}
    origins = sorted({o for f in singles.values() for o in f})
    chosen = {}
    for origin in origins:
        others = [o for o in origins if abs(o - origin) >= horizon]
        means = {n: sum(f[o] for o in others) / len(others) for n, f in singles.items()
                 if others and all(o in f for o in others) and origin in f}
        if not means:
            continue
        low = min(means.values())
        near = [n for n in means if means[n] <= low * 1.02]
        chosen[origin] = singles[min(near, key=lambda n: (scored[n].get("parameters")
                                                           or 10**9, means[n]))][origin]
    if len(chosen) < 2:
        return None
    ours = sum(chosen.values()) / len(chosen)
    means = {n: sum(f[o] for o in chosen) / len(chosen) for n, r in scored.items()
             if n.startswith("ens-") and all(o in (f := folds_of(r)) for o in chosen)}
    best = min(means, key=means.get, default=None)
    return best if best is not None and means[best] < ours else None


def pick(rows, rule, horizon=1):
    scored = {n: r for n, r in rows.items() if r.get("backtest_mase") is not None}
    if rule == "cv":
        singles = {n: r for n, r in rows.items() if not n.startswith("ens-")}
        return cross_validated(scored, horizon) or pick(singles, "tie2")
    best = min(scored, key=lambda n: scored[n]["backtest_mase"])
    low = scored[best]["backtest_mase"]
    if rule == "lowest":
        return best
    if rule == "tie2":
        near = [n for n in scored if scored[n]["backtest_mase"] <= low * 1.02]
        return min(near, key=lambda n: (scored[n].get("parameters") or 10**9,
                                        scored[n]["backtest_mase"]))
    if rule.startswith("se"):
        sd = scored[best].get("backtest_spread") or 0.0
        bar = low + float(rule[2:]) * sd / math.sqrt(scored[best].get("folds") or 1)
        near = [n for n in scored if scored[n]["backtest_mase"] <= bar]
        return min(near, key=lambda n: (simplicity(n, scored[n]), scored[n]["backtest_mase"]))
    return rule if rule in scored else best


def geometric_mean(ratios):
    return math.exp(sum(math.log(q) for q in ratios) / len(ratios))


def main():
    lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
    lines = [v for v in lines if v.get("rows")]
    for rule in RULES:
        wins, ratios, per_peer = 0, [], {}
        for v in lines:
            score = v["rows"][pick(v["rows"], rule, v.get("h", 1))].get("mase")
            if score is None:
                continue
            if v.get("peer_mase"):
                wins += score <= v["peer_mase"] * (1 + 1e-9)
                ratios.append(score / v["peer_mase"])
            for peer, s in v.get("peers", {}).items():
                if isinstance(s, (int, float)) and s > 0:
                    per_peer.setdefault(peer, []).append(score / s)
        peers = " ".join(f"{p}:{geometric_mean(r):.2f}" for p, r in sorted(per_peer.items()))
        print(f"{rule:12} at or below the best peer on {wins}/{len(ratios)}; "
              f"geometric mean vs best peer {geometric_mean(ratios):.3f}; {peers}")


if __name__ == "__main__":
    main()
