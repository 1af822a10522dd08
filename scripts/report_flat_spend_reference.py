#!/usr/bin/env python3
# crm-metrics: independent reference for the flat Gamma-Gamma fit of tests/report/report_forecast_test.cpp
# ("the intervals come from the fits' own covariance"): the standard errors of (p, q, gamma) from the
# observed information of Gamma-Gamma (Fader, Hardie & Lee 2005, JMR 42(4)) at the report's fitted
# parameters, with analytic second derivatives in mpmath at 50 digits. Run after the test (it writes
# the orders and the report's JSON into the build tree):
#   python3 scripts/report_flat_spend_reference.py build/clang/tests/report/work/flat_spend
# Spend rows, computed here from orders.csv without the library: per customer the purchases on or
# before forecast.calibration_end (each on a day of its own in that file), x = their number after the
# first, zbar = the mean amount of those x (customers with x >= 1).
# Per row, l = lnG(px+q) - lnG(px) - lnG(q) + q ln g + (px-1) ln zbar + px ln x - (px+q) ln(g + x zbar):
#   d2l/dp2 = x^2 (psi1(px+q) - psi1(px)), d2l/dp dq = x psi1(px+q), d2l/dq2 = psi1(px+q) - psi1(q),
#   d2l/dp dg = -x/(g+x zbar), d2l/dq dg = 1/g - 1/(g+x zbar), d2l/dg2 = -q/g^2 + (px+q)/(g+x zbar)^2;
# covariance = (-sum of them)^-1. Also prints the eigenvalues of the information in the log-parameters
# (diag(theta) (-H) diag(theta)): the smallest says how flat the fit is.
import collections
import csv
import json
import os
import sys

import mpmath as mp

mp.mp.dps = 50
d = sys.argv[1]
f = json.load(open(os.path.join(d, "orders.json")))["forecast"]
cal_end = f["calibration_end"]
p, q, g = (mp.mpf(repr(f["spend_model"][k]["value"])) for k in ("p", "q", "gamma"))
purchases = collections.defaultdict(list)
for r in csv.DictReader(open(os.path.join(d, "orders.csv"))):
    if r["date"] <= cal_end:
        purchases[r["customer_id"]].append((r["date"], r["amount"]))
rows = collections.Counter()
for v in purchases.values():
    v.sort()
    repeat = [mp.mpf(a) for _, a in v[1:]]
    if repeat:
        rows[(len(repeat), sum(repeat) / len(repeat))] += 1
H = [[mp.mpf(0)] * 3 for _ in range(3)]
for (n, z), w in rows.items():
    x = mp.mpf(n)
    a = mp.psi(1, p * x + q)
    den = g + x * z
    h = [[x * x * (a - mp.psi(1, p * x)), x * a, -x / den], [0, a - mp.psi(1, q), 1 / g - 1 / den], [0, 0, -q / g**2 + (p * x + q) / den**2]]
    for i in range(3):
        for j in range(i, 3):
            H[i][j] += w * h[i][j]
for i in range(3):
    for j in range(i):
        H[i][j] = H[j][i]
C = (-mp.matrix(H)) ** -1
print("repeat customers:", sum(rows.values()))
print("standard errors (p, q, gamma):", [mp.nstr(mp.sqrt(C[i, i]), 12) for i in range(3)])
theta = [p, q, g]
U = mp.matrix(3, 3)
for i in range(3):
    for j in range(3):
        U[i, j] = -H[i][j] * theta[i] * theta[j]
print("eigenvalues of the information in ln(p, q, gamma):", [mp.nstr(e, 6) for e in mp.eigsy(U)[0]])
