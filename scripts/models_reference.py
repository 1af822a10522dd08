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


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    for name, fn in [("bg_nbd", section_bg_nbd), ("mbg_nbd", section_mbg_nbd)]:
        if which in ("all", name):
            fn()
