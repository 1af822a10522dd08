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
#     points below the ridge) and after it (B, D: the restarted interior maxima above the ridge; C: since
#     the certification of objective-change stops, the point far out on the ridge where it is named).
#
# `"$PY" scripts/bgnbd_ridge_reference.py interior`: the full model's maximum on three more such sets,
# where the fit stopped on the objective-change rule with gradients of 1e-2 and returned the point as a
# converged interior maximum (tests/bg_nbd_test.cpp, tests/modified_bg_nbd_test.cpp, "objective-change
# stop"):
#   E: crm::generate(crm::bg_nbd<double>{0.5, 100, 0.1, 999.9}, {.customers = 16, .first_age = 2e6, .last_age = 6e6, .seed = 4})
#   F: crm::generate(crm::modified_bg_nbd<double>{0.5, 100, 0.1, 999.9}, {... .seed = 30})
#   G: crm::generate(crm::bg_nbd<double>{1, 300, 1, 99999}, {... .seed = 10})
# The full ln L (as above) in double with scipy.special.gammaln and betaln, summed with math.fsum, is
# maximised by scipy.optimize.minimize(method="Nelder-Mead") over the log-parameters, run until a
# restart from its own result no longer moves it, from two starts: the point the library returned before
# the fix and the generating parameters; the maximum's ln L is then evaluated in mpmath at 40 digits
# (full_ll), as are the library's points before and after the fix.
import math
import sys

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
    "C": {"before": (0.97306659842683807, 296.44661297741891, 0.0072574114744845715, 1.9086633199852781),
          "after": (0.97178438752694907, 296.03359091243851, 8665.9855247207415, 1724098984.4101002)},
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




def interior_main():
    for name, (k, gen, rows) in INTERIOR.items():
        def nll(u):
            r, alpha, a, b = (math.exp(v) for v in u)
            terms = []
            for x, tx, T in rows:
                m = x + k
                lb = special.betaln(a, b)
                base = special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha)
                alive = special.betaln(a, b + m) - lb - (r + x) * math.log(alpha + T)
                if m > 0:
                    dead = special.betaln(a + 1, b + m - 1) - lb - (r + x) * math.log(alpha + tx)
                    hi = max(alive, dead)
                    terms.append(base + hi + math.log(math.exp(alive - hi) + math.exp(dead - hi)))
                else:
                    terms.append(base + alive)
            return -math.fsum(terms)
        found = []
        for start in (INTERIOR_POINTS[name]["before"], gen):
            u = [math.log(v) for v in start]
            prev = None
            for _ in range(50):
                res = optimize.minimize(nll, u, method="Nelder-Mead",
                                        options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 40000, "maxfev": 80000})
                u = list(res.x)
                if prev is not None and prev - res.fun <= 1e-11:
                    break
                prev = res.fun
            theta = [math.exp(v) for v in u]
            found.append(theta)
            print(f"{name}: SciPy maximum from {tuple(start)}: r {theta[0]:.10g}, alpha {theta[1]:.10g}, a {theta[2]:.10g}, "
                  f"b {theta[3]:.10g}, loglik (mpmath) {mpmath.nstr(full_ll(*theta, rows, k), 17)}")
        for when, pt in INTERIOR_POINTS[name].items():
            f = full_ll(*pt, rows, k)
            best = max(full_ll(*t, rows, k) for t in found)
            print(f"{name}: full model at the fit's point {when}: loglik {mpmath.nstr(f, 17)}, minus the SciPy maximum "
                  f"{mpmath.nstr(f - best, 8)}")


INTERIOR = {
"E": (0, (0.5, 100, 0.1, 999.9), [
    (13921, 5141629.2118906323, 5142193.1597154923),
    (9264, 2703288.5242491388, 2703760.8429151932),
    (17268, 2161793.5702990652, 2161817.7697821758),
    (2472, 5219259.9819208374, 5221166.2038729005),
    (9419, 5350467.2314402228, 5351773.2679713648),
    (1829, 3108248.9237063457, 5975056.6761812177),
    (65992, 2336818.7320746598, 2992513.6738399253),
    (23222, 2082406.6104719909, 2082431.9965837346),
    (278, 21616.635597046341, 2488582.691878641),
    (131746, 5736620.1971691251, 5736632.1618030751),
    (45476, 2980550.8523223405, 2980578.1581139341),
    (68557, 3272535.9214682993, 3272568.0357294139),
    (2743, 5024907.2023027176, 5026273.4907758292),
    (69620, 4616806.5239342889, 4616952.65448198),
    (55566, 3484690.6790391947, 3484760.7417718973),
    (23464, 5260394.0878114998, 5260497.4641970657),
]),
"F": (1, (0.5, 100, 0.1, 999.9), [
    (17391, 3148988.2015292952, 3149496.5831876453),
    (9963, 5852600.3955462631, 5852751.9161128346),
    (104980, 5867457.2981989039, 5867485.0060897004),
    (97067, 5420499.6712132804, 5420500.9521502983),
    (23670, 3365416.2503832639, 3365518.6947125574),
    (12389, 3047437.3980363584, 3047468.1432972276),
    (3139, 5324889.6517254505, 5325528.1983942781),
    (2552, 4727414.575597723, 4731518.299825293),
    (36805, 3192333.6478011161, 3192342.3900576076),
    (2507, 4269286.5499189878, 4271879.549934349),
    (10358, 3143977.5070369025, 3145695.1138643404),
    (12313, 3271952.3499277746, 3272557.3866255232),
    (2867, 846099.41751321661, 3328910.5748090195),
    (1034, 2652871.8721938864, 3306844.4484965922),
    (3018, 5532498.9421087112, 5533473.225678158),
    (55458, 5387661.1349783419, 5387881.0429800507),
]),
"G": (0, (1, 300, 1, 99999), [
    (15279, 4405018.1345298477, 4405132.4293638989),
    (28030, 5009972.3581462977, 5009983.3062107246),
    (5325, 3931493.0198218836, 3932677.3537963741),
    (650, 103052.82527149632, 5707558.2102789404),
    (3716, 4488524.9263248397, 4495098.8778429544),
    (5615, 4971681.6871593622, 4975087.6905674664),
    (4540, 4314482.1842927104, 4314706.5869837776),
    (12436, 4275660.2902277596, 4275725.0957051888),
    (12538, 5274293.2281195391, 5274475.1302013854),
    (988, 3210654.8530363711, 3211985.8944894574),
    (16548, 4807886.059034138, 4808285.8879292384),
    (9065, 2766169.0852054716, 2766372.2132904707),
    (771, 2810736.2270205128, 2811823.0767450305),
    (9239, 2084055.2588986149, 2084367.6396822273),
    (24115, 5663451.1870264551, 5663499.3278336842),
    (28635, 3880665.4055501558, 3880774.454750835),
]),
}
# Where the library's fit stopped (%.17g): before the fix (objective-change stops returned as maxima)
# and after it (certified).
INTERIOR_POINTS = {
    "E": {"before": (0.92031139469969014, 89.573250475517568, 0.019492150940594585, 1.5736568350068394),
          "after": (0.92287926207331106, 89.8250035637586, 0.049429800670339683, 359.74034010453687)},
    "F": {"before": (0.86218851246351114, 154.91943414766897, 0.013572978486989939, 1.6716316715644852),
          "after": (0.86881818803799593, 156.12343709423371, 0.045540136070114125, 777.23526265390615)},
    "G": {"before": (1.5278133852531557, 505.36374565031161, 0.0072714790835931714, 1.9186876766962087),
          "after": (1.5267809715764873, 505.01593298843022, 0.018614920255468018, 250.202435047732)},
}

if len(sys.argv) > 1 and sys.argv[1] == "interior":
    interior_main()
    sys.exit(0)

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
