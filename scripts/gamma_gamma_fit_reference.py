#!/usr/bin/env python3
# crm-metrics: independent reference for the Gamma-Gamma fit where the likelihood's maximum is at large p
# or at the boundary p -> infinity (tests/gamma_gamma_test.cpp).
# Run:
#   PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/gamma_gamma_fit_reference.py large-p|boundary
#   "$PY" scripts/gamma_gamma_fit_reference.py one-rate|small|near-constant
#   "$PY" scripts/gamma_gamma_fit_reference.py cdnow-covariance [path of cdnow_customers_summary_with_transactions.csv [p q gamma]]
# Data: scripts/data/gamma_gamma_coverage_seeds.csv, the spend rows of the prediction-interval coverage
# test written out with %.17g from
#   crm::generate(crm::gamma_gamma<double>{6, 4, 15}, freqs, seed), freqs[i] = 1 + i % 5, i < customers,
# for (customers, seed) = (100, 1324) and (300, 1294).
# Model (Fader, Hardie & Lee 2005, "RFM and CLV", the spend model): ln f(zbar | x) = ln G(px+q) - ln G(px)
# - ln G(q) + q ln gamma + (px-1) ln zbar + px ln x - (px+q) ln(gamma + x zbar), arranged here as
#   D(px, q) - ln G(q) + q ln c - (q+1) ln zbar - (px+q) log1p(c / (p x zbar)),  c = p gamma,
#   D(a, q) = ln G(a+q) - ln G(a) - q ln a  (by mpmath at 40 digits),
# which stays accurate as p -> infinity; the FHL form itself is evaluated in mpmath at the maximum.
#
# large-p (seed 1324, 100 customers): scipy.optimize.minimize(method="Nelder-Mead") over (ln p, ln q, ln c)
#   from 4 starts; the maximum is interior, at p near 2.9e4.
# boundary (seed 1294, 300 customers): as p -> infinity with c fixed every transaction of a customer has
#   the customer's own mean value, and zbar ~ Inverse-Gamma(q, scale c) whatever x. That nested model is
#   fitted (scipy BFGS over (ln q, ln c)); its score for the within-customer variance 1/p,
#     A = d ln L / d(1/p) at 1/p = 0 = sum (q(q-1) - 2 q c / zbar + (c / zbar)^2) / (2 x),
#   and the profile ln L(p) = max over (q, c) at p = 1e2 .. 1e9 (Nelder-Mead): it rises to the nested
#   model's ln L as A/p (A < 0), so the likelihood has no interior maximum there.
# one-rate (scripts/data/gamma_gamma_one_rate.csv: crm::generate(crm::gamma_gamma<double>{6, 1e12, 2.5e12},
#   freqs, 4), freqs[i] = 1 + i % 5, 300 customers: every customer's value rate nu = q/gamma = 0.4 to 1e-6) and
#   small (2 and 3 customers written below): the other boundary, q, gamma -> infinity with gamma/q = theta.
#   By hand: with gamma = q theta, ln G(px+q) - ln G(q) = px ln q + O(1/q) and
#   q ln gamma - (px+q) ln(gamma + x zbar) = -px ln(q theta) - (px+q) log1p(x zbar/(q theta)) -> -px ln(q theta) - x zbar/theta,
#   so ln f -> -ln G(px) + px ln(x zbar/theta) - ln zbar - x zbar/theta: zbar ~ Gamma(px, scale theta/x)
#   (checked here against scipy.stats.gamma.logpdf and against the FHL form in mpmath at q = 1e30). Its
#   score for the variance of nu across customers, B = d ln L / d(1/q) at 1/q = 0 = sum ((px - x zbar/theta)^2
#   - px)/2 (from E[L(nu)] = L(nu0) + L''(nu0) Var nu/2, Var nu = nu0^2/q), is checked against
#   q (ln L_FHL(q) - ln L_G) at q = 1e8 (mpmath). The nested model is fitted with scipy BFGS over (ln p, ln theta),
#   SEs from the inverse of the central-difference Hessian of -ln L; the profile ln L(q) = max over (p, theta)
#   of the full model (Nelder-Mead, the likelihood as ln G(q+a) - ln G(q) - a ln q by mpmath + a ln(q x zbar/gamma)
#   - ln G(a) - ln zbar - (a+q) log1p(x zbar/gamma)) rises to it as B/q.
import sys

import mpmath as mp
import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln

mp.mp.dps = 40
data = np.loadtxt(__file__.rsplit('/', 1)[0] + '/data/gamma_gamma_coverage_seeds.csv', delimiter=',', skiprows=1)


def rows(customers, seed):
    m = (data[:, 0] == customers) & (data[:, 1] == seed)
    return data[m, 2], data[m, 3]


def model(x, z):
    xs, cnt = np.unique(x, return_counts=True)

    def D(a, q):
        return float(mp.loggamma(mp.mpf(a) + q) - mp.loggamma(mp.mpf(a)) - q * mp.log(mp.mpf(a)))

    def ll(p, q, c):
        return sum(n * D(p * xv, q) for xv, n in zip(xs, cnt)) + np.sum(
            -gammaln(q) + q * np.log(c) - (q + 1) * np.log(z) - (p * x + q) * np.log1p(c / (p * x * z)))

    def ll_fhl(p, q, g):  # the FHL form in mpmath
        p, q, g = mp.mpf(p), mp.mpf(q), mp.mpf(g)
        s = mp.mpf(0)
        for xi, zi in zip(x, z):
            xi, zi = mp.mpf(xi), mp.mpf(zi)
            px = p * xi
            s += (mp.loggamma(px + q) - mp.loggamma(px) - mp.loggamma(q) + q * mp.log(g) + (px - 1) * mp.log(zi) +
                  px * mp.log(xi) - (px + q) * mp.log(g + xi * zi))
        return s

    return ll, ll_fhl


def large_p():
    x, z = rows(100, 1324)
    ll, ll_fhl = model(x, z)
    best = None
    for s in [(4.5 * np.log(10), np.log(3.4), np.log(67.4)), (4 * np.log(10), 1.0, 4.0), (5 * np.log(10), 1.5, 4.5),
              (3.5 * np.log(10), 1.2, 4.2)]:
        r = minimize(lambda v: -ll(*np.exp(v)), np.array(s), method='Nelder-Mead',
                     options=dict(xatol=1e-10, fatol=1e-13, maxiter=6000, maxfev=6000))
        p, q, c = np.exp(r.x)
        print('start %s: p %.6g q %.10g gamma %.10g p*gamma %.10g lnL %.12f' % (np.round(s, 3), p, q, c / p, c, -r.fun))
        if best is None or r.fun < best.fun:
            best = r
    p, q, c = np.exp(best.x)
    print('FHL form in mpmath at the best: %s' % mp.nstr(ll_fhl(p, q, c / p), 15))


def print_covariance_and_mean(C, at, f, dlnf, label):
    """the nested model's covariance (boundary_report::nested_covariance) and the 90 % delta-method
    interval of a prediction f on the log scale: dlnf = d ln f / d ln(parameter), by hand; se = f sqrt(g' C_u g),
    C_u = C / (theta_i theta_j); [f exp(-z se/f), f exp(z se/f)], z = scipy.stats.norm.ppf(0.95)"""
    from scipy.stats import norm
    print('  covariance %r' % [[float(v) for v in row] for row in C])
    Cu = np.array([[C[i][j] / (at[i] * at[j]) for j in range(2)] for i in range(2)])
    g = f * np.array(dlnf)
    se, zz = float(np.sqrt(g @ Cu @ g)), float(norm.ppf(0.95))
    print('  %s %r se %r 90%% [%r, %r]' % (label, float(f), se, float(f * np.exp(-zz * se / f)), float(f * np.exp(zz * se / f))))


def boundary():
    x, z = rows(300, 1294)
    ll, ll_fhl = model(x, z)

    def nll_inv(v):
        q, c = np.exp(v)
        return -np.sum(q * np.log(c) - gammaln(q) - (q + 1) * np.log(z) - c / z)

    r = minimize(nll_inv, np.array([0.0, np.log(np.mean(z))]), method='BFGS', options=dict(gtol=1e-10))
    q, c = np.exp(r.x)
    h = np.zeros((2, 2))  # Hessian of -ln L in (q, c) by central differences of the analytic gradient
    def grad(q, c):
        return -np.array([np.sum(np.log(c) - mp_digamma(q) - np.log(z)), np.sum(q / c - 1 / z)])
    mp_digamma = lambda v: float(mp.digamma(v))
    for i, step in enumerate([1e-5 * q, 1e-5 * c]):
        e = np.zeros(2); e[i] = step
        h[i] = (grad(*(np.array([q, c]) + e)) - grad(*(np.array([q, c]) - e))) / (2 * step)
    C = np.linalg.inv(0.5 * (h + h.T))
    se = np.sqrt(np.diag(C))
    A = np.sum((q * (q - 1) - 2 * q * c / z + (c / z) ** 2) / (2 * x))
    print('nested Inverse-Gamma(q, c) on zbar: q %.10g c %.10g (SE %.6g %.6g) lnL %.12f; score A = %.6g' % (q, c, se[0], se[1], -r.fun, A))
    print_covariance_and_mean(C, [q, c], c / (q - 1), [-q / (q - 1), 1.0], 'population mean c/(q-1)')
    for lp in [2, 3, 4, 5, 6, 7, 9]:
        p = 10.0 ** lp
        rp = minimize(lambda v: -ll(p, *np.exp(v)), r.x, method='Nelder-Mead', options=dict(xatol=1e-11, fatol=1e-14, maxiter=4000))
        print('p = 1e%d: profile lnL %.12f (nested %+.4g)' % (lp, -rp.fun, -rp.fun + r.fun))


def cdnow_covariance():
    """The covariance of ln(p, q, gamma) at the library's CDNOW fit: the inverse of mpmath's Hessian
    (mp.diff, 30 digits) of the FHL -ln L over the 946 repeat customers (tests/model_intervals_test.cpp)."""
    import csv
    mp.mp.dps = 30
    path = sys.argv[2] if len(sys.argv) > 2 else '../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv'
    rows = [(mp.mpf(r['x']), mp.mpf(r['zbar'])) for r in csv.DictReader(open(path)) if float(r['x']) > 0]

    def nll(u1, u2, u3):
        p, q, g = mp.exp(u1), mp.exp(u2), mp.exp(u3)
        return -mp.fsum(mp.loggamma(p * x + q) - mp.loggamma(p * x) - mp.loggamma(q) + q * mp.log(g) + (p * x - 1) * mp.log(z) +
                        p * x * mp.log(x) - (p * x + q) * mp.log(g + x * z) for x, z in rows)

    at = sys.argv[3:6] if len(sys.argv) > 5 else ('6.2488045310517792', '3.7445879518429543', '15.44773945063061')
    u = [mp.log(mp.mpf(v)) for v in at]
    h = mp.matrix(3, 3)
    for i in range(3):
        for j in range(i, 3):
            o = [0, 0, 0]
            o[i] += 1
            o[j] += 1
            h[i, j] = h[j, i] = mp.diff(nll, u, tuple(o))
    c = h ** -1
    for i in range(3):
        print('  '.join(mp.nstr(c[i, j], 10) for j in range(3)))


def one_rate_model(x, z, label):
    from scipy.stats import gamma as gamma_dist
    xs, cnt = np.unique(x, return_counts=True)

    def ll_nested(p, theta):  # by hand
        a = p * x
        return np.sum(-gammaln(a) + a * np.log(x * z / theta) - np.log(z) - x * z / theta)

    def grad_nested(p, theta):
        a = p * x
        return np.array([np.sum(x * (np.log(x * z / theta) - np.array([float(mp.digamma(v)) for v in a]))),
                         np.sum(-a / theta + x * z / theta ** 2)])

    r = minimize(lambda v: -ll_nested(*np.exp(v)), np.array([0.0, np.log(np.sum(x * z) / np.sum(x))]), method='BFGS',
                 options=dict(gtol=1e-11))
    r = minimize(lambda v: -ll_nested(*np.exp(v)), r.x, method='Nelder-Mead', options=dict(xatol=1e-13, fatol=1e-15, maxiter=4000))
    p, theta = np.exp(r.x)
    h = np.zeros((2, 2))
    for i, step in enumerate([1e-5 * p, 1e-5 * theta]):
        e = np.zeros(2); e[i] = step
        h[i] = -(grad_nested(*(np.array([p, theta]) + e)) - grad_nested(*(np.array([p, theta]) - e))) / (2 * step)
    C = np.linalg.inv(0.5 * (h + h.T))
    se = np.sqrt(np.diag(C))
    B = np.sum(((p * x - x * z / theta) ** 2 - p * x) / 2)
    ll0 = ll_nested(p, theta)
    print('%s: nested Gamma(px, scale theta/x): p %.10g theta %.10g (SE %.6g %.6g) lnL %.12f; score B = %.6g' %
          (label, p, theta, se[0], se[1], ll0, B))
    print_covariance_and_mean(C, [p, theta], p * theta, [1.0, 1.0], 'mean spend p theta')
    print('  scipy.stats.gamma.logpdf sum at the maximum: %.12f' % np.sum(gamma_dist.logpdf(z, p * x, scale=theta / x)))

    def ll_fhl(p, q, g):
        p, q, g = mp.mpf(p), mp.mpf(q), mp.mpf(g)
        return mp.fsum(mp.loggamma(p * xi + q) - mp.loggamma(p * xi) - mp.loggamma(q) + q * mp.log(g) + (p * xi - 1) * mp.log(zi) +
                       p * xi * mp.log(xi) - (p * xi + q) * mp.log(g + xi * zi) for xi, zi in zip(map(mp.mpf, x), map(mp.mpf, z)))

    mp.mp.dps = 60
    q = mp.mpf(10) ** 30
    print('  FHL form (mpmath, 60 digits) at q = 1e30, gamma = q theta: %s' % mp.nstr(ll_fhl(p, q, q * theta), 15))
    q = mp.mpf(10) ** 8
    print('  q (ln L_FHL - ln L_G) at q = 1e8: %s' % mp.nstr(q * (ll_fhl(p, q, q * theta) - ll_nested(p, theta)), 8))
    mp.mp.dps = 40

    def ll_large_q(p, q, g):
        a = p * x
        mq = mp.mpf(q)
        E = {xv: float(mp.loggamma(mq + mp.mpf(p * xv)) - mp.loggamma(mq) - mp.mpf(p * xv) * mp.log(mq)) for xv in xs}
        return sum(n * E[xv] for xv, n in zip(xs, cnt)) + np.sum(a * np.log(q * x * z / g) - gammaln(a) - np.log(z) -
                                                                (a + q) * np.log1p(x * z / g))

    for lq in [2, 3, 4, 6, 8]:
        qq = 10.0 ** lq
        rq = minimize(lambda v: -ll_large_q(np.exp(v[0]), qq, qq * np.exp(v[1])), r.x, method='Nelder-Mead',
                      options=dict(xatol=1e-11, fatol=1e-14, maxiter=4000))
        print('  q = 1e%d: profile lnL %.12f (nested %+.4g)' % (lq, -rq.fun, -rq.fun - ll0))


def one_rate():
    d = np.loadtxt(__file__.rsplit('/', 1)[0] + '/data/gamma_gamma_one_rate.csv', delimiter=',', skiprows=1)
    one_rate_model(d[:, 2], d[:, 3], 'one rate, 300 customers (seed 4)')


def small():
    one_rate_model(np.array([1.0, 2.0]), np.array([10.0, 20.0]), '2 customers (1, 10), (2, 20)')
    one_rate_model(np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 15.0]), '3 customers (1, 10), (2, 20), (3, 15)')
    # both limits for (4, 8.18), (6, 27.14): q -> infinity above (and below) p -> infinity, the Inverse-Gamma(q, c)
    x, z = np.array([4.0, 6.0]), np.array([8.18, 27.14])
    one_rate_model(x, z, '2 customers (4, 8.18), (6, 27.14)')
    r = minimize(lambda v: -np.sum(np.exp(v[0]) * v[1] - gammaln(np.exp(v[0])) - (np.exp(v[0]) + 1) * np.log(z) - np.exp(v[1]) / z),
                 np.array([0.0, np.log(np.mean(z))]), method='Nelder-Mead', options=dict(xatol=1e-13, fatol=1e-15, maxiter=8000))
    q, c = np.exp(r.x)
    A = np.sum((q * (q - 1) - 2 * q * c / z + (c / z) ** 2) / (2 * x))
    print('  the limit p -> infinity, Inverse-Gamma(q, c): q %.10g c %.10g lnL %.12f; score A = %.6g' % (q, c, -r.fun, A))


def flat_maximum(x, zs, start, label):
    """An interior maximum far out in p, in a direction the data barely see: solved by mpmath at 50 digits,
    findroot of FHL's gradient in the log-parameters from a round start; the observed information by
    mp.diff of that gradient, its inverse the covariance; the information in the log-parameters and its
    eigenvalues (mp.eigsy); ln L at the maximum and at the boundary p -> infinity (the nested
    Inverse-Gamma(q, c) model, maximised by findroot as well)."""
    mp.mp.dps = 50
    z = [mp.mpf(v) for v in zs]

    def ll(p, q, g):
        return sum(mp.loggamma(p * xi + q) - mp.loggamma(p * xi) - mp.loggamma(q) + q * mp.log(g) + (p * xi - 1) * mp.log(zi) +
                   p * xi * mp.log(xi) - (p * xi + q) * mp.log(g + xi * zi) for xi, zi in zip(x, z))

    def grad(p, q, g):
        return [sum(xi * (mp.digamma(p * xi + q) - mp.digamma(p * xi) + mp.log(xi * zi) - mp.log(g + xi * zi)) for xi, zi in zip(x, z)),
                sum(mp.digamma(p * xi + q) - mp.digamma(q) + mp.log(g) - mp.log(g + xi * zi) for xi, zi in zip(x, z)),
                sum(q / g - (p * xi + q) / (g + xi * zi) for xi, zi in zip(x, z))]

    def grad_log(u, v, w):  # in the log-parameters, where the steps are of one size
        a, b, c = mp.exp(u), mp.exp(v), mp.exp(w)
        return [t * d for t, d in zip((a, b, c), grad(a, b, c))]
    u = mp.findroot(grad_log, tuple(mp.log(mp.mpf(v)) for v in start), tol=mp.mpf(10) ** -60, maxsteps=400, verify=False)
    p, q, g = (mp.exp(u[i]) for i in range(3))
    print('%s: MLE p %s q %s gamma %s' % (label, mp.nstr(p, 12), mp.nstr(q, 12), mp.nstr(g, 12)))
    print('  ln L %s, gradient %s' % (mp.nstr(ll(p, q, g), 15), [mp.nstr(v, 3) for v in grad(p, q, g)]))
    th = [p, q, g]
    H = mp.matrix(3, 3)
    for j in range(3):
        def gj(t, j=j):
            a = list(th)
            a[j] = t
            return grad(*a)
        for i in range(3):
            H[i, j] = -mp.diff(lambda t, i=i, j=j: gj(t)[i], th[j])
    C = H ** -1
    print('  standard errors p %s q %s gamma %s' % tuple(mp.nstr(mp.sqrt(C[i, i]), 6) for i in range(3)))
    S = mp.matrix(3, 3)
    for i in range(3):
        for j in range(3):
            S[i, j] = H[i, j] * th[i] * th[j]
    print('  eigenvalues of the information in ln(p, q, gamma): %s' % [mp.nstr(e, 6) for e in mp.eigsy(S)[0]])

    # the boundary p -> infinity with c = p gamma fixed: zbar ~ Inverse-Gamma(q, scale c)
    def ll_ig(q, c):
        return sum(q * mp.log(c) - mp.loggamma(q) - (q + 1) * mp.log(zi) - c / zi for zi in z)
    n = len(z)
    c0 = q * n / sum(1 / zi for zi in z)
    ub = mp.findroot(lambda u, v: [n * (v - mp.digamma(mp.exp(u))) - sum(mp.log(zi) for zi in z), n * mp.exp(u - v) - sum(1 / zi for zi in z)],
                     (mp.log(q), mp.log(c0)), tol=mp.mpf(10) ** -60, maxsteps=400, verify=False)
    qb, cb = mp.exp(ub[0]), mp.exp(ub[1])
    print('  boundary p -> infinity: q %s c %s ln L %s (the maximum is %s nats above)' %
          (mp.nstr(qb, 8), mp.nstr(cb, 8), mp.nstr(ll_ig(qb, cb), 15), mp.nstr(ll(p, q, g) - ll_ig(qb, cb), 6)))


def near_constant():
    # six customers of one price plus rounding (coefficient of variation 0.05 %)
    flat_maximum([1, 3, 4, 4, 1, 3], ('54.09', '54.07', '54.12', '54.06', '54.16', '54.15'), ('1e7', '2e6', str(54.1 * (2e6 - 1) / 1e7)),
                 'near-constant spends, 6 customers')
    # twenty customers whose spends vary by 5 % (a random small set: the maximum 4e-7 nats above the boundary)
    flat_maximum([5, 2, 5, 2, 4, 1, 2, 1, 4, 2, 1, 5, 4, 1, 6, 2, 2, 3, 3, 4],
                 ('190.64', '176.40', '180.87', '187.07', '207.20', '179.60', '197.25', '194.50', '197.88', '203.32', '179.45',
                  '170.56', '192.32', '172.40', '190.58', '173.49', '183.70', '191.00', '201.90', '204.46'),
                 ('3e5', '291', '0.18'), 'spends within 5 %, 20 customers')


if __name__ == '__main__':
    {'large-p': large_p, 'boundary': boundary, 'one-rate': one_rate, 'small': small, 'cdnow-covariance': cdnow_covariance,
     'near-constant': near_constant}[sys.argv[1] if len(sys.argv) > 1 else 'large-p']()
