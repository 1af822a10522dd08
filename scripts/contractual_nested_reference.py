#!/usr/bin/env python3
"""Reference values of tests/contractual_nested_test.cpp (python3 with python3-mpmath, 30 digits):
the discrete Weibull S(t) = (1-theta)^(t^c) and power-law survival S(t) = min(1, (tau/t)^k) summed by
mpmath.nsum from their definitions (E[T], DEL, DERL as Fader & Hardie 2010 define them), and the
power law's E[T] also as 1 + floor(tau) + tau^k zeta(k, floor(tau) + 1) (mpmath's Hurwitz zeta).
Run: python3 scripts/contractual_nested_reference.py"""
from mpmath import mp, mpf, nsum, inf, floor, zeta, log

mp.dps = 30


def dw(theta, c):
    theta, c = mpf(theta), mpf(c)
    return lambda t: (1 - theta) ** (mpf(t) ** c)


def pl(k, tau):
    k, tau = mpf(k), mpf(tau)
    return lambda t: mpf(1) if t == 0 else min(mpf(1), (tau / mpf(t)) ** k)


def lifetime(S):
    # Euler-Maclaurin: the default (Richardson + Shanks) is wrong for the slow tails, e.g. dw(0.1, 0.5)
    # 180.6823 against the direct sum's 180.68802 (its tail beyond 2e5 below 3e-17)
    return nsum(S, [0, inf], method="euler-maclaurin")  # S analytic in t (dw)


def delv(S, d):
    z = 1 / (1 + mpf(d))
    return nsum(lambda t: S(int(t)) * z ** int(t), [0, inf])


def derl(S, renewals, d):
    n = renewals + 1
    z = 1 / (1 + mpf(d))
    return nsum(lambda t: S(int(t)) / S(n - 1) * z ** (int(t) - n), [n, inf])


if __name__ == "__main__":
    for theta, c in [("0.3", "2"), ("0.1", "0.5"), ("0.2", "0.7"), ("0.001", "1.3")]:
        S = dw(theta, c)
        print(f"dw({theta}, {c}) E[T] = {mp.nstr(lifetime(S), 20)}")
    lam = -log(mpf("0.9"))
    print("dw(0.1, 0.5) E[T] direct to 2e5:", mp.nstr(sum(mp.exp(-lam * mp.sqrt(t)) for t in range(200000)), 20))
    for theta, c, d, r in [("0.2", "0.7", "0.1", 4), ("0.3", "2", "0.05", 2)]:
        S = dw(theta, c)
        print(f"dw({theta}, {c}) DEL({d}) = {mp.nstr(delv(S, d), 20)} DERL({r}, {d}) = {mp.nstr(derl(S, r, d), 20)}")
    for k, tau in [("2.5", "3.7"), ("1.5", "0.6")]:
        kk, tt = mpf(k), mpf(tau)
        m = floor(tt)
        # (nsum is unreliable on these slow power tails: the zeta form, checked by a direct sum)
        direct = 1 + m + sum((tt / t) ** kk for t in range(int(m) + 1, 20000)) + tt ** kk * zeta(kk, 20000)
        print(f"pl({k}, {tau}) E[T] = {mp.nstr(1 + m + tt ** kk * zeta(kk, m + 1), 20)} direct {mp.nstr(direct, 20)}")
    for k, tau, d, r in [("0.8", "0.6", "0.1", 0), ("0.8", "0.6", "0.1", 3), ("2.5", "3.7", "0.1", 1), ("2.5", "3.7", "0.1", 5)]:
        S = pl(k, tau)
        print(f"pl({k}, {tau}) DEL({d}) = {mp.nstr(delv(S, d), 20)} DERL({r}, {d}) = {mp.nstr(derl(S, r, d), 20)}")
