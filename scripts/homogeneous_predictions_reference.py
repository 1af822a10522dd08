#!/usr/bin/env python3
# crm-metrics: independent references for the predictions of the homogeneous drop-out models
# (crm/models/homogeneous.hpp; tests/models_homogeneous_test.cpp, "predictions match mpmath"). Run:
#   python3 scripts/homogeneous_predictions_reference.py        (Debian python3-mpmath; 60 digits)
# BG/NBD family (k = 0 BG/NBD, 1 modified), r = 0.243, alpha = 4.414, p = 0.3, t = 39:
#   "full": the FULL model's formulas (FHL 2005 eqs. 8 and 10; P(alive) from FHL's 2008 note; the
#   modified's with b + x + 1) at a = p K, b = (1-p) K, K = 1e30, with mpmath's hyp2f1 and beta: the
#   limit the homogeneous model is, to O(1/K).
#   "direct": P(alive) times the integral over lambda ~ Gamma(r+x, rate alpha+T) of (1 - e^(-p lambda t))/p
#   (a live customer's expected purchases when it drops out with probability p at each), by mpmath.quad;
#   E[X(t)] of a new customer likewise over Gamma(r, alpha), times (1-p)^k.
# Pareto/NBD homogeneous, r = 0.55, alpha = 10.58, mu = 0.02: P(alive) = E / (E + mu J) with
#   E = e^(-mu T) (alpha+T)^-(r+x), J = int_tx^T e^(-mu tau) (alpha+tau)^-(r+x) dtau in closed form,
#   e^(mu alpha) mu^(c-1) [G(1-c, mu(alpha+t_x)) - G(1-c, mu(alpha+T))], c = r+x, G the upper incomplete
#   gamma function (mpmath.gammainc), checked against mpmath.quad on 18 subintervals (printed beside it:
#   quad on the whole [t_x, T] returns 2.21463733e-82 for x = 50, wrong in the 7th digit, with its own
#   error estimate of 1e-84; the closed form and the subdivided quad agree to 12 digits);
#   E[Y(t)] = P(alive) (r+x)/(alpha+T) (1 - e^(-mu t))/mu; E[X(t)] = r/alpha (1 - e^(-mu t))/mu.
from mpmath import mp, mpf, hyp2f1, beta, gamma, gammainc, exp, quad, inf, factorial, linspace

mp.dps = 60
K = mpf(10) ** 30


def full_alive(r, al, a, b, x, tx, T, k):
    if x + k == 0:
        return mpf(1)
    return 1 / (1 + a / (b + x + k - 1) * ((al + T) / (al + tx)) ** (r + x))


def full_conditional(r, al, a, b, x, tx, T, t, k):
    bracket = (a + b + x + k - 1) / (a - 1) * (1 - ((al + T) / (al + T + t)) ** (r + x) * hyp2f1(r + x, b + x + k, a + b + x + k - 1, t / (al + T + t)))
    return bracket * full_alive(r, al, a, b, x, tx, T, k)


def full_probability(r, al, a, b, n, t, k):
    nb = lambda j: gamma(r + j) / (gamma(r) * factorial(j)) * (al / (al + t)) ** r * (t / (al + t)) ** j
    v = beta(a, b + n + k) / beta(a, b) * nb(n)
    if n + k > 0:
        v += beta(a + 1, b + n + k - 1) / beta(a, b) * (1 - sum(nb(j) for j in range(n)))
    return v


def gamma_mean(f, shape, rate):
    g = lambda l: f(l) * rate ** shape * l ** (shape - 1) * exp(-rate * l) / gamma(shape)
    return quad(g, [0, 1 / rate, 10 / rate, 100 / rate, inf])


rows = [(0, mpf(0), mpf('38.86')), (2, mpf('30.43'), mpf('38.86')), (5, mpf(10), mpf('38.86')), (50, mpf(30), mpf(39))]
t = mpf(39)
r, al, p = mpf('0.243'), mpf('4.414'), mpf('0.3')
a, b = p * K, (1 - p) * K
for k in (0, 1):
    print("homogeneous", "modified BG/NBD" if k else "BG/NBD", "(r 0.243, alpha 4.414, p 0.3), t = 39")
    for (x, tx, T) in rows:
        A = full_alive(r, al, a, b, x, tx, T, k)
        C = full_conditional(r, al, a, b, x, tx, T, t, k)
        D = A * gamma_mean(lambda l: (1 - exp(-p * l * t)) / p, r + x, al + T)
        print(f"  x={x} tx={mp.nstr(tx, 6)} T={mp.nstr(T, 6)}: P(alive) {mp.nstr(A, 17)}  E[Y(t)] full {mp.nstr(C, 17)} direct {mp.nstr(D, 17)}")
    E = (1 - p) ** k * gamma_mean(lambda l: (1 - exp(-p * l * t)) / p, r, al)
    print("  E[X(t)] direct", mp.nstr(E, 17))
    for n in (0, 1, 3, 10):
        print(f"  P(X(t)={n}) full {mp.nstr(full_probability(r, al, a, b, n, t, k), 17)}")

r, al, mu = mpf('0.55'), mpf('10.58'), mpf('0.02')
print("homogeneous Pareto/NBD (r 0.55, alpha 10.58, mu 0.02), t = 39")
for (x, tx, T) in rows:
    c = r + x
    E = exp(-mu * T) * (al + T) ** (-c)
    J = exp(mu * al) * mu ** (c - 1) * (gammainc(1 - c, mu * (al + tx)) - gammainc(1 - c, mu * (al + T)))
    Jq = quad(lambda tau: exp(-mu * tau) * (al + tau) ** (-c), linspace(tx, T, 19)) if T > tx else mpf(0)
    A = E / (E + mu * J)
    print(f"  x={x} tx={mp.nstr(tx, 6)} T={mp.nstr(T, 6)}: P(alive) {mp.nstr(A, 17)}  E[Y(t)] {mp.nstr(A * c / (al + T) * (1 - exp(-mu * t)) / mu, 17)}"
          f"  (J {mp.nstr(J, 15)}, subdivided quad {mp.nstr(Jq, 15)})")
print("  E[X(t)]", mp.nstr(r / al * (1 - exp(-mu * t)) / mu, 17))

# Far along the purchase-rate ridge, r = 2e5, alpha = 8e6 (one purchase rate, r/alpha = 0.025), mu = 0.145: alpha is
# 2e5 times the ages, so (alpha+tau)^-(r+x) ~ e^(-0.025 tau); J by mpmath.quad on 18 subintervals (the closed form's
# gammainc(1 - c, .) at c = 2e5 is not used), E[Y(t)] as above.
r, al, mu = mpf(200000), mpf(8000000), mpf('0.145')
print("homogeneous Pareto/NBD (r 2e5, alpha 8e6, mu 0.145), t = 39")
for (x, tx, T) in rows:
    c = r + x
    E = exp(-mu * T) * (al + T) ** (-c)
    J = quad(lambda tau: exp(-mu * tau) * (al + tau) ** (-c), linspace(tx, T, 19)) if T > tx else mpf(0)
    A = E / (E + mu * J)
    print(f"  x={x} tx={mp.nstr(tx, 6)} T={mp.nstr(T, 6)}: P(alive) {mp.nstr(A, 17)}  E[Y(t)] {mp.nstr(A * c / (al + T) * (1 - exp(-mu * t)) / mu, 17)}")
