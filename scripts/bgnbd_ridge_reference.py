#!/usr/bin/env python3
# crm-metrics: independent reference for the BG/NBD-family ridge check of converged fits
# (tests/bg_nbd_test.cpp, tests/modified_bg_nbd_test.cpp, "ridge above a converged interior point").
# Run:
#   PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/bgnbd_ridge_reference.py
# Data: four sets of 16 customers (frequency x, recency t_x, age T; ages 2e6-6e6, x up to 57 607), written
# out below with %.17g from
#   A: crm::generate(crm::bg_nbd<double>{0.5, 100, 0.1, 999.9}, {.customers = 16, .first_age = 2e6, .last_age = 6e6, .seed = 3})
#   B: crm::generate(crm::bg_nbd<double>{0.5, 100, 1, 99999}, {... .seed = 6})
#   C: crm::generate(crm::modified_bg_nbd<double>{1, 300, 1, 99999}, {... .seed = 3})
#   D: crm::generate(crm::modified_bg_nbd<double>{1, 300, 1, 99999}, {... .seed = 6})
# What it computes, from the model definitions (m = x + k, k = 0 BG/NBD, 1 modified):
#   homogeneous model (a, b -> infinity, a/(a+b) = p):
#     L = G(r+x)/G(r) alpha^r [ (1-p)^m (alpha+T)^-(r+x) + [m > 0] p (1-p)^(m-1) (alpha+tx)^-(r+x) ],
#     maximised by scipy.optimize.minimize, Nelder-Mead then BFGS over (log r, log alpha, logit p), the
#     log-likelihood summed with math.fsum; standard errors from a central-difference Hessian;
#   full model (FHL 2005 eq. (6); Batislam et al. 2007 for k = 1):
#     L = G(r+x)/G(r) alpha^r [ B(a, b+m)/B(a, b) (alpha+T)^-(r+x) + [m > 0] B(a+1, b+m-1)/B(a, b) (alpha+tx)^-(r+x) ],
#     in mpmath at 40 digits, at the points where the library's fit stopped before the fix (interior
#     points below the ridge) and after it (B, D: the restarted interior maxima above the ridge).
import math

import mpmath
import numpy as np
from scipy import optimize, special

from numdiff import hessian  # scripts/numdiff.py

mpmath.mp.dps = 40

DATA = {
"A": (0, [
    (4318, 4234962.901826567, 4235063.9584927168),
    (25359, 2504082.7088140305, 2504140.8609415172),
    (10361, 4031986.7523914725, 4032123.4698719615),
    (41252, 5789427.2439649049, 5789533.7304123482),
    (22936, 2370496.3597120591, 2370624.8824911886),
    (470, 1367264.4934170251, 2072385.2102180687),
    (438, 2989459.1208497118, 2993523.8566926569),
    (10430, 4045075.9007102032, 4047005.7546751918),
    (661, 3605362.3175915852, 3606936.741335419),
    (7326, 3017054.8230704563, 3017247.8873703373),
    (575, 3728227.8860387788, 3737110.130943608),
    (3850, 3136349.1174768182, 3136836.5411123927),
    (57607, 2815402.6842388813, 3958033.3248251192),
    (40788, 5074749.7971532969, 5074780.4980972409),
    (10759, 4491313.5758231394, 4491597.3808788564),
    (1178, 2166372.8931183824, 2173857.9743303065),
]),
"B": (0, [
    (29569, 5104243.8433064772, 5104262.1977999788),
    (179, 2672910.4454672602, 2690766.7357032327),
    (1048, 3183129.3229511119, 3183445.740687646),
    (1073, 3496799.1281329822, 3498447.8305652239),
    (58458, 2591700.3611782957, 2591726.3793582385),
    (935, 2570344.1419065758, 2570849.02821268),
    (274, 2327207.5166084431, 2336412.1254124967),
    (5226, 3748082.3976868251, 3749027.2499434659),
    (20109, 2682696.6930155572, 2682716.5936281616),
    (856, 5065982.7495820383, 5072320.3191743046),
    (43367, 4135652.6625907943, 4135690.7396562351),
    (1547, 2087623.4100018477, 2088899.0602709441),
    (2773, 1959536.0982089525, 3343892.5873517375),
    (24564, 3214181.9693624503, 3214411.387796022),
    (340, 5386338.0213335808, 5400400.768060796),
    (944, 4785873.4608777137, 4792712.8941321056),
]),
"C": (1, [
    (1007, 4232307.0165959233, 4235063.9584927168),
    (5600, 5821005.3604848506, 5821110.9737130422),
    (15059, 5967470.6041519362, 5967489.5566777717),
    (27627, 4471353.3245415213, 4471537.8022457035),
    (16944, 3119949.5379991904, 3120048.7275524004),
    (245, 2912771.1223300658, 2943708.8395087444),
    (4456, 4088201.0381785976, 4089364.5970332958),
    (33753, 3012210.8723538937, 3477106.493408273),
    (5834, 2992796.1827996988, 2993523.8566926569),
    (8121, 2719785.0380652603, 2719814.8664211975),
    (10461, 3303211.0388784916, 3303304.7340298248),
    (1709, 3221668.8765860139, 3221957.0246218494),
    (6672, 5208637.0727477167, 5208853.5723424265),
    (41873, 5283088.7690116689, 5283224.4317286313),
    (16970, 2914918.6174043072, 2915214.6888871342),
    (2654, 2302259.8917438709, 2302698.3502080301),
]),
"D": (1, [
    (15373, 5103299.985061653, 5104262.1977999788),
    (1069, 4079554.1250632964, 4098024.4083314626),
    (10183, 5985675.1086948412, 5985781.0186522072),
    (3391, 4717796.0685212882, 4718436.3154687574),
    (4662, 4499985.3640051298, 4500315.8436656436),
    (654, 2350238.8220772347, 2350243.6774097928),
    (12033, 5730054.5988118798, 5730097.3882850353),
    (22594, 5528886.8242598567, 5529075.4403148647),
    (51669, 4581861.8460314842, 4581863.8113517687),
    (57770, 3981783.9353005923, 3981797.0391145078),
    (5372, 3602457.6127872653, 3603060.2604145547),
    (28848, 2893496.3254868626, 3904423.3352180906),
    (24629, 4610180.6383976983, 4610475.845445089),
    (1743, 609088.76670708042, 3597884.1831760351),
    (26152, 5165977.8888302147, 5166114.9529874548),
    (53746, 3829464.2225332558, 3829477.1141852755),
]),
}

# Where the library's fit stopped (%.17g): before the fix (every set), after it (B, D: the restarted fit).
POINTS = {
    "A": {"before": (0.65007318775980627, 150.71500692976437, 0.069650976161776623, 1464.0392934590752)},
    "B": {"before": (0.44105101829173515, 119.34872326296147, 0.0080869314988512124, 2.0269349543566144),
          "after": (0.43954324128524125, 118.92816813445253, 0.053702810442113301, 2182.7369970356704)},
    "C": {"before": (0.97306659842683807, 296.44661297741891, 0.0072574114744845715, 1.9086633199852781)},
    "D": {"before": (0.97255734450327913, 200.18180944814196, 0.013652490078030389, 1.7386513240487906),
          "after": (0.96246782442156809, 198.08755523725029, 0.21528202617351486, 20503.373674885679)},
}


def hom_ll(r, alpha, p, rows, k):
    terms = []
    for x, tx, T in rows:
        m = x + k
        base = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
        alive = m * math.log1p(-p) - (r + x) * math.log(alpha + T)
        if m > 0:
            dead = math.log(p) + (m - 1) * math.log1p(-p) - (r + x) * math.log(alpha + tx)
            hi = max(alive, dead)
            t = hi + math.log(math.exp(alive - hi) + math.exp(dead - hi))
        else:
            t = alive
        terms.append(base + t)
    return math.fsum(terms)


def full_ll(r, alpha, a, b, rows, k):
    r, alpha, a, b = (mpmath.mpf(v) for v in (r, alpha, a, b))
    total = mpmath.mpf(0)
    for x, tx, T in rows:
        m = x + k
        base = mpmath.loggamma(r + x) - mpmath.loggamma(r) + r * mpmath.log(alpha)
        lb = mpmath.log(mpmath.beta(a, b))
        alive = mpmath.log(mpmath.beta(a, b + m)) - lb - (r + x) * mpmath.log(alpha + T)
        if m > 0:
            dead = mpmath.log(mpmath.beta(a + 1, b + m - 1)) - lb - (r + x) * mpmath.log(alpha + tx)
            total += base + mpmath.log(mpmath.exp(alive) + mpmath.exp(dead))
        else:
            total += base + alive
    return total




for name, (k, rows) in DATA.items():
    print(f"{name}: customers {len(rows)}, sum x {math.fsum(r[0] for r in rows)!r}, max x {max(r[0] for r in rows)!r}")
    nll = lambda u: -hom_ll(math.exp(u[0]), math.exp(u[1]), float(special.expit(u[2])), rows, k)
    res = optimize.minimize(nll, [0.0, math.log(100.0), -11.0], method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000, "maxfev": 40000})
    res = optimize.minimize(nll, res.x, method="BFGS", options={"gtol": 1e-6})
    theta = [math.exp(res.x[0]), math.exp(res.x[1]), float(special.expit(res.x[2]))]
    ll = hom_ll(*theta, rows, k)
    se = np.sqrt(np.diag(np.linalg.inv(hessian(lambda q: -hom_ll(q[0], q[1], q[2], rows, k), theta, 1e-4))))
    print(f"{name}: homogeneous r {theta[0]:.7g} ({se[0]:.4g}), alpha {theta[1]:.7g} ({se[1]:.4g}), p {theta[2]:.7g} ({se[2]:.4g})")
    print(f"{name}: homogeneous loglik {ll:.9f}")
    for when, pt in POINTS[name].items():
        f = full_ll(*pt, rows, k)
        print(f"{name}: full model at the fit's point {when}: loglik {mpmath.nstr(f, 17)}, minus the ridge's {mpmath.nstr(f - ll, 8)}")
