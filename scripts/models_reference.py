#!/usr/bin/env python3
# crm-metrics: reference values for the transaction-model tests, computed with SciPy only
# (scipy.special.hyp2f1 / gammaln / betaln / betainc, scipy.stats.nbinom, scipy.optimize.minimize).
# Run: $(bash scripts/scipy-env.sh) scripts/models_reference.py [section]
# Each printed line names the quantity and the call that produced it; the C++ tests quote them.
import sys
import numpy as np
from scipy.special import hyp2f1, gammaln, betaln
from scipy.stats import nbinom


def bgnbd_palive(r, alpha, a, b, x, tx, T, k=0):
    if x + k == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x + k - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def bgnbd_expected(r, alpha, a, b, t):
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def mbgnbd_expected(r, alpha, a, b, t):
    return b / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b + 1, a + b, t / (alpha + t)))


def bgnbd_conditional(r, alpha, a, b, x, tx, T, t, k=0):
    z = t / (alpha + T + t)
    h = hyp2f1(r + x, b + x + k, a + b + x + k - 1, z)
    return ((a + b + x + k - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * h)
            * bgnbd_palive(r, alpha, a, b, x, tx, T, k))


def bgnbd_pmf(r, alpha, a, b, n, t, k=0):
    p = alpha / (alpha + t)
    lb = betaln(a, b)
    out = np.exp(betaln(a, b + n + k) - lb) * nbinom.pmf(n, r, p)
    if n + k > 0:
        out += np.exp(betaln(a + 1, b + n + k - 1) - lb) * (nbinom.sf(n - 1, r, p) if n > 0 else 1.0)
    return out


def bgnbd_ll(r, alpha, a, b, x, tx, T, k=0):
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x + k) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    if x + k > 0:
        a4 = np.log(a) - np.log(b + x + k - 1) - (r + x) * np.log(alpha + tx)
        return a1 + a2 + np.logaddexp(a3, a4)
    return a1 + a2 + a3


def section_bg_nbd():
    P = (0.243, 4.414, 0.793, 2.426)  # FHL 2005 CDNOW estimates
    for (x, tx, T) in [(2, 30.43, 38.86), (0, 0.0, 38.86), (7, 29.43, 35.0), (1, 1.71, 38.86)]:
        print(f"bg_nbd{P} palive x={x} tx={tx} T={T}: {bgnbd_palive(*P, x, tx, T)!r}")
        print(f"bg_nbd{P} loglik x={x} tx={tx} T={T}: {bgnbd_ll(*P, x, tx, T)!r}")
        print(f"bg_nbd{P} conditional t=39 x={x} tx={tx} T={T}: {bgnbd_conditional(*P, x, tx, T, 39.0)!r}")
    for t in (1.0, 39.0, 78.0):
        print(f"bg_nbd{P} expected t={t}: {bgnbd_expected(*P, t)!r}")
    for n in (0, 1, 2, 5):
        print(f"bg_nbd{P} pmf n={n} t=39: {bgnbd_pmf(*P, n, 39.0)!r}")


def section_mbg_nbd():
    P = (0.525, 6.183, 0.891, 1.614)
    for (x, tx, T) in [(2, 30.43, 38.86), (0, 0.0, 38.86), (7, 29.43, 35.0)]:
        print(f"mbg_nbd{P} palive x={x} tx={tx} T={T}: {bgnbd_palive(*P, x, tx, T, 1)!r}")
        print(f"mbg_nbd{P} loglik x={x} tx={tx} T={T}: {bgnbd_ll(*P, x, tx, T, 1)!r}")
        print(f"mbg_nbd{P} conditional t=39 x={x} tx={tx} T={T}: {bgnbd_conditional(*P, x, tx, T, 39.0, 1)!r}")
    for t in (1.0, 39.0):
        print(f"mbg_nbd{P} expected t={t}: {mbgnbd_expected(*P, t)!r}")
    for n in (0, 1, 3):
        print(f"mbg_nbd{P} pmf n={n} t=39: {bgnbd_pmf(*P, n, 39.0, 1)!r}")


def pareto_ll(r, alpha, s, beta, x, tx, T):
    """The Pareto/NBD likelihood of Fader & Hardie (2005), vectorised with scipy.special.hyp2f1 (no log-space tricks)."""
    x, tx, T = np.asarray(x, float), np.asarray(tx, float), np.asarray(T, float)
    if alpha >= beta:
        F1 = hyp2f1(r + s + x, s + 1, r + s + x + 1, (alpha - beta) / (alpha + tx))
        F2 = hyp2f1(r + s + x, s + 1, r + s + x + 1, (alpha - beta) / (alpha + T))
        A0 = F1 / (alpha + tx) ** (r + s + x) - F2 / (alpha + T) ** (r + s + x)
    else:
        F1 = hyp2f1(r + s + x, r + x, r + s + x + 1, (beta - alpha) / (beta + tx))
        F2 = hyp2f1(r + s + x, r + x, r + s + x + 1, (beta - alpha) / (beta + T))
        A0 = F1 / (beta + tx) ** (r + s + x) - F2 / (beta + T) ** (r + s + x)
    return (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
            + np.log(1.0 / ((alpha + T) ** (r + x) * (beta + T) ** s) + s / (r + s + x) * A0))


def pareto_palive(r, alpha, s, beta, x, tx, T):
    if alpha >= beta:
        F1 = hyp2f1(r + s + x, s + 1, r + s + x + 1, (alpha - beta) / (alpha + tx))
        F2 = hyp2f1(r + s + x, s + 1, r + s + x + 1, (alpha - beta) / (alpha + T))
        A0 = F1 / (alpha + tx) ** (r + s + x) - F2 / (alpha + T) ** (r + s + x)
    else:
        F1 = hyp2f1(r + s + x, r + x, r + s + x + 1, (beta - alpha) / (beta + tx))
        F2 = hyp2f1(r + s + x, r + x, r + s + x + 1, (beta - alpha) / (beta + T))
        A0 = F1 / (beta + tx) ** (r + s + x) - F2 / (beta + T) ** (r + s + x)
    return 1.0 / (1.0 + s / (r + s + x) * (alpha + T) ** (r + x) * (beta + T) ** s * A0)


def section_pareto_nbd():
    P = (0.553, 10.578, 0.606, 11.669)
    for (x, tx, T) in [(2, 30.43, 38.86), (0, 0.0, 38.86), (7, 29.43, 35.0)]:
        pa = pareto_palive(*P, x, tx, T)
        r, alpha, s, beta = P
        ce = (r + x) * (beta + T) / ((alpha + T) * (s - 1)) * (1 - ((beta + T) / (beta + T + 39.0)) ** (s - 1)) * pa
        print(f"pareto_nbd{P} palive x={x} tx={tx} T={T}: {pa!r}")
        print(f"pareto_nbd{P} loglik x={x} tx={tx} T={T}: {float(pareto_ll(*P, x, tx, T))!r}")
        print(f"pareto_nbd{P} conditional t=39 x={x} tx={tx} T={T}: {ce!r}")
    Q = (0.553, 10.578, 0.606, 5.0)  # alpha > beta branch
    for (x, tx, T) in [(2, 30.43, 38.86), (0, 0.0, 38.86)]:
        print(f"pareto_nbd{Q} palive x={x} tx={tx} T={T}: {pareto_palive(*Q, x, tx, T)!r}")
        print(f"pareto_nbd{Q} loglik x={x} tx={tx} T={T}: {float(pareto_ll(*Q, x, tx, T))!r}")
    r, alpha, s, beta = P
    for t in (1.0, 39.0):
        print(f"pareto_nbd{P} expected t={t}: {r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))!r}")


def section_pareto_fit():
    """Independent Pareto/NBD fit on CDNOW: scipy.optimize.minimize(Nelder-Mead, then BFGS) on log params."""
    import os
    from scipy.optimize import minimize
    data = os.environ.get("CRM_METRICS_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    d = np.genfromtxt(os.path.join(data, "cdnow", "cdnow_customers_summary.csv"), delimiter=",", names=True)
    x, tx, T = d["frequency"], d["recency"], d["T"]

    def nll(lp):
        return -np.sum(pareto_ll(*np.exp(lp), x, tx, T))

    res = minimize(nll, np.log([1.0, 1.0, 1.0, 1.0]), method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000, "maxfev": 40000})
    res = minimize(nll, res.x, method="BFGS", options={"gtol": 1e-8})
    print("pareto_nbd CDNOW fit (Nelder-Mead then BFGS):", ", ".join(f"{v:.6f}" for v in np.exp(res.x)), f"loglik {-res.fun:.6f}")


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    for name, fn in [("bg_nbd", section_bg_nbd), ("mbg_nbd", section_mbg_nbd), ("pareto_nbd", section_pareto_nbd), ("pareto_fit", section_pareto_fit)]:
        if which in ("all", name):
            fn()
