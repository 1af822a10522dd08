-- Fits whose likelihood is maximised on a boundary of the parameter space (docs/postgresql.md, "A fit
-- on the boundary"): the row names the boundary, shows the model in the limit (0 or Infinity at the
-- limit, NULL where not identified, the nested model's estimates otherwise) and the likelihood-ratio
-- test, and the predictions answer from the nested model, or at a corner from its limit (Pareto/NBD's
-- s_and_beta_to_zero: the zero-inflated NBD; BG/NBD's b_to_zero and a_and_b_to_zero: drop-out at the first repeat
-- purchase; before 2026-12-06 BG/NBD's refused there, 0A000). Each of these fits was an ERROR 22023 before. Expected values: SciPy,
-- PY=$(bash scripts/scipy-env.sh) && cd scripts && "$PY" postgresql_boundary_reference.py
-- (its header says how each is computed), or hand arithmetic written beside them.

-- 100 customers who are never seen to drop out: every repeat customer bought at the end (t_x = T)
CREATE TEMP TABLE nodrop AS
  SELECT i AS customer, x, CASE WHEN x > 0 THEN big_t ELSE 0 END AS t_x, big_t
  FROM (SELECT i, (CASE WHEN (7 * i) % 11 >= 4 THEN (7 * i) % 11 - 3 ELSE 0 END)::float8 AS x,
               (20 + 5 * (i % 7))::float8 AS big_t
        FROM generate_series(1, 100) i) s;

-- BG/NBD: a -> 0, the NBD. reference "nbd": r 0.8204208135 (SE 0.189215), alpha 10.4399465722
-- (2.791098), ln L -879.0012845051 (the BG/NBD ln L at a = 1e-9, b = 1 is -879.0012846: the limit is
-- the supremum); a = 0, b not identified (NULL), p = lim a/(a+b) = 0; the LR statistic 0, p-value 1.
CREATE TEMP TABLE bg AS SELECT crm_fit_bg_nbd(x, t_x, big_t) AS m FROM nodrop;
SELECT check_that((m).boundary = 'a_to_zero' AND (m).a = 0 AND (m).b IS NULL AND (m).se_a IS NULL AND (m).se_b IS NULL
                  AND (m).p = 0 AND (m).se_p IS NULL
                  AND abs((m).r / 0.8204208135 - 1) < 1e-5 AND abs((m).alpha / 10.4399465722 - 1) < 1e-5
                  AND abs((m).se_r / 0.189215 - 1) < 1e-3 AND abs((m).se_alpha / 2.791098 - 1) < 1e-3
                  AND abs((m).log_likelihood - -879.0012845051) < 1e-8 AND (m).customers = 100
                  AND (m).lr_statistic = 0 AND (m).lr_p_value = 1, 'BG/NBD at a -> 0: the NBD ' || (m)::text) FROM bg;
-- its predictions are the NBD's: P(alive) = 1, E[Y(t) | x, T] = (r + x) t / (alpha + T); reference
-- E[Y(10) | x = 2, T = 30] = 0.697434357010
SELECT check_that(crm_bg_nbd_p_alive(m, 2, 30, 30) = 1 AND crm_bg_nbd_p_alive(m, 3, 10, 40) = 1
                  AND abs(crm_bg_nbd_expected_purchases(m, 2, 30, 30, 10) / 0.697434357010 - 1) < 1e-6
                  AND abs(crm_bg_nbd_expected_purchases(m, 2, 30, 30, 10) - ((m).r + 2) * 10 / ((m).alpha + 30)) < 1e-13,
                  'BG/NBD at a -> 0 predicts from the NBD') FROM bg;
-- the aggregate over a state and the fit of the RFM state agree
SELECT check_that((crm_fit_bg_nbd(crm_fit_state(x, t_x, big_t))).boundary = 'a_to_zero', 'fit of a state') FROM nodrop;

-- Pareto/NBD on the same rows: beta -> infinity (the NBD) until 2026-12-06; the corner s, beta -> 0, where a share
-- pi of the customers dies at once (a zero-inflated NBD, docs/models.md), is more likely: SciPy (L-BFGS-B on the
-- limit's ln L over r, alpha, pi, as scripts/bg_nbd_zero_limit_reference.py's zero_limit with m = x + 1, on these
-- 100 rows) ln L -869.6352390795 at r 7.0805283573, alpha 62.6144379076, pi 0.3238; the LR test against the
-- NBD's -879.0012845051, 0.5 scipy.stats.chi2.sf(2 (-869.6352390795 + 879.0012845051), 1) = 7.521474063e-06.
-- The row: s and beta the library's point on the way (s = -ln(1 - pi)/300, beta = e^-300), mu Infinity; the standard
-- errors of r and alpha and the covariance of (r, alpha, pi) are the zero-inflated NBD's (since 2026-12-06; before,
-- none): scripts/postgresql_boundary_reference.py "corner" (the maximum and the inverse Hessian from central
-- differences of ln L in mpmath): r 7.0805202675 (4.674332), alpha 62.6143656884 (41.226774), pi 0.3238157021
-- (0.052437). Its point predictions are the zero-inflated NBD's (Python's math on the SciPy estimates:
-- P(alive | x = 0, T = 30) = 0.7 A / (0.7 A + 0.3) with pi for 0.3 and A = (alpha/(alpha+30))^r, 0.11553840538;
-- E[Y(10) | x = 0, T = 30] = that r 10/(alpha+30), 0.08833103932; E[Y(10) | x = 2, t_x = T = 30] = (r+2) 10/(alpha+30),
-- 0.98046574189), and so are its intervals (the same script: the 90 % delta intervals with the analytic gradients
-- of logit P(alive) and ln E[Y], P(alive | 0, 0, 30) [0.0540363560, 0.2300191023], E[Y(10) | 2, 30, 30]
-- [0.8423478356, 1.1412302813]; before 2026-12-06 they refused, 0A000).
CREATE TEMP TABLE pn AS SELECT crm_fit_pareto_nbd(x, t_x, big_t) AS m FROM nodrop;
SELECT check_that((m).boundary = 's_and_beta_to_zero' AND abs(1 - exp(-300 * (m).s) - 0.3238157852) < 1e-4
                  AND abs((m).beta / exp(-300::float8) - 1) < 1e-15 AND (m).mu = 'Infinity'
                  AND (m).se_s IS NULL AND (m).se_beta IS NULL AND (m).se_mu IS NULL
                  AND abs((m).se_r / 4.674332 - 1) < 1e-3 AND abs((m).se_alpha / 41.226774 - 1) < 1e-3
                  AND array_length((m).covariance, 1) = 3 AND array_length((m).covariance, 2) = 3
                  AND abs(sqrt((m).covariance[3][3]) / 0.052437 - 1) < 1e-3
                  AND abs((m).r / 7.0805283573 - 1) < 1e-4 AND abs((m).alpha / 62.6144379076 - 1) < 1e-4
                  AND abs((m).log_likelihood - -869.6352390795) < 1e-6 AND abs((m).lr_p_value / 7.521474063e-06 - 1) < 1e-5,
                  'Pareto/NBD at s, beta -> 0: the zero-inflated NBD ' || (m)::text) FROM pn;
SELECT check_that(abs(crm_pareto_nbd_p_alive(m, 0, 0, 30) / 0.11553840538 - 1) < 1e-3
                  AND abs(crm_pareto_nbd_expected_purchases(m, 0, 0, 30, 10) / 0.08833103932 - 1) < 1e-3
                  AND abs(crm_pareto_nbd_expected_purchases(m, 2, 30, 30, 10) / 0.98046574189 - 1) < 1e-4
                  AND crm_pareto_nbd_p_alive(m, 2, 30, 30) = 1,
                  'Pareto/NBD at s, beta -> 0 predicts from the zero-inflated NBD') FROM pn;
SELECT check_that(abs((i).lower / 0.0540363560 - 1) < 2e-3 AND abs((i).upper / 0.2300191023 - 1) < 2e-3
                  AND (i).point = crm_pareto_nbd_p_alive(m, 0, 0, 30) AND (i).level = 0.9,
                  'Pareto/NBD at s, beta -> 0: the P(alive) interval of the zero-inflated NBD ' || (i)::text)
  FROM (SELECT m, crm_pareto_nbd_p_alive_interval(m, 0, 0, 30) AS i FROM pn) q;
SELECT check_that(abs((i).lower / 0.8423478356 - 1) < 1e-4 AND abs((i).upper / 1.1412302813 - 1) < 1e-4,
                  'Pareto/NBD at s, beta -> 0: the interval of E[Y(10)] of the zero-inflated NBD ' || (i)::text)
  FROM (SELECT crm_pareto_nbd_expected_purchases_interval(m, 2, 30, 30, 10) AS i FROM pn) q;
-- the whole base's sums and CLV at the corner: their points are the per-customer predictions' sums (CLV with a
-- Gamma-Gamma built by hand, p 6.25, q 3.74, gamma 15.44 and a covariance), between their bounds
CREATE TEMP TABLE pn_gg AS
  SELECT row(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             '{{1.416, -0.232, -4.803}, {-0.232, 0.08418, 0.992}, {-4.803, 0.992, 17.3}}'::float8[])::crm_gamma_gamma AS g;
SELECT check_that(abs((a).point / (SELECT sum(crm_pareto_nbd_p_alive(m, x, t_x, big_t)) FROM nodrop) - 1) < 1e-12
                  AND (a).lower < (a).point AND (a).point < (a).upper
                  AND abs((e).point / (SELECT sum(crm_pareto_nbd_expected_purchases(m, x, t_x, big_t, 10)) FROM nodrop) - 1) < 1e-12
                  AND (e).lower < (e).point AND (e).point < (e).upper
                  AND (c).point = crm_clv(m, g, 2, 30, 30, 20) AND (c).lower < (c).point AND (c).point < (c).upper,
                  'Pareto/NBD at s, beta -> 0: whole-base and CLV intervals of the zero-inflated NBD ' || a::text || e::text || c::text)
  FROM (SELECT m, g, crm_pareto_nbd_expected_active_customers_interval(m, (SELECT crm_fit_state(x, t_x, big_t) FROM nodrop)) a,
               crm_pareto_nbd_expected_base_purchases_interval(m, (SELECT crm_fit_state(x, t_x, big_t) FROM nodrop), 10) e,
               crm_clv_interval(m, g, 2, 30, 30, 20) c
        FROM pn, pn_gg) q;
-- a row at beta -> infinity (the NBD of the BG/NBD fit above) predicts from the NBD
CREATE TEMP TABLE pnb AS
  SELECT ROW((b.m).r, (b.m).alpha, NULL, 'Infinity', (b.m).se_r, (b.m).se_alpha, NULL, NULL, (b.m).log_likelihood,
             (b.m).customers, (b.m).iterations, 'beta_to_infinity', 0, NULL, 0, 1, (b.m).covariance)::crm_pareto_nbd AS m FROM bg b;
SELECT check_that(crm_pareto_nbd_p_alive(m, 2, 30, 30) = 1
                  AND abs(crm_pareto_nbd_expected_purchases(m, 2, 30, 30, 10) / 0.697434357010 - 1) < 1e-6,
                  'Pareto/NBD at beta -> infinity predicts from the NBD') FROM pnb;

-- BG/NBD at homogeneous drop-out (scripts/data/homogeneous_bg_nbd.csv): the homogeneous BG/NBD, a and b
-- Infinity. SciPy (scripts/homogeneous_reference.py, tests/models_homogeneous_test.cpp bg_ref): r
-- 0.48927303663274685 (SE 0.05002903579026634), alpha 1.7559037585058719 (0.30299570237432244), p
-- 0.295741901822225 (0.020724320356223885), ln L -2016.4185991381771
CREATE TEMP TABLE hbg AS SELECT crm_fit_bg_nbd(x, t_x, big_t) AS m FROM homogeneous_bg;
SELECT check_that((m).boundary = 'homogeneous_dropout' AND (m).a = 'Infinity' AND (m).b = 'Infinity'
                  AND abs((m).r / 0.48927303663274685 - 1) < 1e-6 AND abs((m).alpha / 1.7559037585058719 - 1) < 1e-6
                  AND abs((m).p / 0.295741901822225 - 1) < 1e-6 AND abs((m).se_r / 0.05002903579026634 - 1) < 1e-3
                  AND abs((m).se_alpha / 0.30299570237432244 - 1) < 1e-3 AND abs((m).se_p / 0.020724320356223885 - 1) < 1e-3
                  AND abs((m).log_likelihood - -2016.4185991381771) < 1e-8 AND (m).customers = 300,
                  'BG/NBD at homogeneous drop-out ' || (m)::text) FROM hbg;
-- the homogeneous BG/NBD's predictions (docs/models.md, "Predictions of the nested models"), written
-- out from the row's r, alpha, p: P(alive | x, t_x, T) = 1 / (1 + p/(1-p) ((alpha+T)/(alpha+t_x))^(r+x))
-- (x > 0), E[Y(t)] = P(alive) [1 - ((alpha+T)/(alpha+T+p t))^(r+x)] / p
SELECT check_that(abs(crm_bg_nbd_p_alive(m, 2, 10, 40) - 1 / (1 + (m).p / (1 - (m).p) * (((m).alpha + 40) / ((m).alpha + 10)) ^ ((m).r + 2))) < 1e-12
                  AND abs(crm_bg_nbd_expected_purchases(m, 2, 10, 40, 20)
                          - crm_bg_nbd_p_alive(m, 2, 10, 40) * (1 - (((m).alpha + 40) / ((m).alpha + 40 + (m).p * 20)) ^ ((m).r + 2)) / (m).p) < 1e-12,
                  'BG/NBD at homogeneous drop-out predicts from the homogeneous model') FROM hbg;

-- Pareto/NBD at homogeneous death rate (scripts/data/homogeneous_pareto_nbd.csv): s, beta Infinity;
-- SciPy (pareto_ref): r 0.37242773196295714 (SE 0.04682955522543359), alpha 1.7223431414159363
-- (0.27296569116285313), mu 0.04075932609343711 (0.00432441018692067), ln L -2362.44267650384;
-- E[Y(t)] = P(alive) (r+x)/(alpha+T) (1 - e^(-mu t))/mu
CREATE TEMP TABLE hpn AS SELECT crm_fit_pareto_nbd(x, t_x, big_t) AS m FROM homogeneous_pareto;
SELECT check_that((m).boundary = 'homogeneous_death_rate' AND (m).s = 'Infinity' AND (m).beta = 'Infinity'
                  AND abs((m).r / 0.37242773196295714 - 1) < 1e-6 AND abs((m).alpha / 1.7223431414159363 - 1) < 1e-6
                  AND abs((m).mu / 0.04075932609343711 - 1) < 1e-6 AND abs((m).se_r / 0.04682955522543359 - 1) < 1e-3
                  AND abs((m).se_alpha / 0.27296569116285313 - 1) < 1e-3 AND abs((m).se_mu / 0.00432441018692067 - 1) < 1e-3
                  AND abs((m).log_likelihood - -2362.44267650384) < 1e-8,
                  'Pareto/NBD at homogeneous death rate ' || (m)::text) FROM hpn;
SELECT check_that(crm_pareto_nbd_p_alive(m, 2, 10, 40) > 0 AND crm_pareto_nbd_p_alive(m, 2, 10, 40) < 1
                  AND abs(crm_pareto_nbd_expected_purchases(m, 2, 10, 40, 20)
                          - crm_pareto_nbd_p_alive(m, 2, 10, 40) * ((m).r + 2) / ((m).alpha + 40) * (1 - exp(-(m).mu * 20)) / (m).mu) < 1e-12,
                  'Pareto/NBD at homogeneous death rate predicts from the homogeneous model') FROM hpn;

-- Gamma-Gamma at q -> infinity: (x, zbar) = (1, 10), (2, 20), (3, 15) as orders (a first purchase of
-- 99, then x repeat purchases of zbar on separate days). Reference "gg_q": p 9.8092088617 (SE
-- 7.926852), theta 1.6141295137 (1.321241), ln L -7.9734573778; q = gamma = Infinity, scale = theta;
-- every customer's expected spend p theta = sum(x zbar) / sum(x) = 95/6 (hand arithmetic: the
-- maximum-likelihood mean of Gamma(p x, theta / x) over the rows).
CREATE TEMP TABLE spend_q AS
  SELECT c AS customer, date '2020-01-01' + k AS day, (CASE WHEN k = 0 THEN 99 ELSE v END)::float8 AS amount
  FROM (VALUES (1, 1, 10), (2, 2, 20), (3, 3, 15)) s(c, x, v), generate_series(0, x) k;
CREATE TEMP TABLE ggq AS SELECT crm_fit_gamma_gamma(crm_rfm_state(customer, day, amount, '2020-12-31', 1)) AS m FROM spend_q;
SELECT check_that((m).boundary = 'q_to_infinity' AND (m).q = 'Infinity' AND (m).gamma = 'Infinity'
                  AND (m).se_q IS NULL AND (m).se_gamma IS NULL
                  AND abs((m).p / 9.8092088617 - 1) < 1e-5 AND abs((m).scale / 1.6141295137 - 1) < 1e-5
                  AND abs((m).se_p / 7.926852 - 1) < 1e-3 AND abs((m).se_scale / 1.321241 - 1) < 1e-3
                  AND abs((m).log_likelihood - -7.9734573778) < 1e-8 AND (m).customers = 3 AND (m).lr_p_value = 1,
                  'Gamma-Gamma at q -> infinity ' || (m)::text) FROM ggq;
SELECT check_that(abs(crm_gamma_gamma_expected_spend(m, 2, 20) / (95.0 / 6) - 1) < 1e-6
                  AND crm_gamma_gamma_expected_spend(m, 5, 100) = crm_gamma_gamma_expected_spend(m, 0, 0),
                  'Gamma-Gamma at q -> infinity: p theta for everyone') FROM ggq;

-- Gamma-Gamma at p -> infinity: (1, 5), (1, 50), (2, 8), (2, 80), (3, 6), (3, 60). Reference "gg_p":
-- q 1.0085242705 (SE 0.513072), c 11.1885589278 (7.286065), ln L -27.2995058530; p = Infinity,
-- gamma = 0, scale = c; a repeat customer's expected spend is its own mean, a new one's c/(q - 1) =
-- 1312.5532471837 (q - 1 is small: to 1e-3)
CREATE TEMP TABLE spend_p AS
  SELECT c AS customer, date '2020-01-01' + k AS day, (CASE WHEN k = 0 THEN 99 ELSE v END)::float8 AS amount
  FROM (VALUES (1, 1, 5), (2, 1, 50), (3, 2, 8), (4, 2, 80), (5, 3, 6), (6, 3, 60)) s(c, x, v), generate_series(0, x) k;
CREATE TEMP TABLE ggp AS SELECT crm_fit_gamma_gamma(crm_rfm_state(customer, day, amount, '2020-12-31', 1)) AS m FROM spend_p;
SELECT check_that((m).boundary = 'p_to_infinity' AND (m).p = 'Infinity' AND (m).gamma = 0 AND (m).se_p IS NULL
                  AND abs((m).q / 1.0085242705 - 1) < 1e-5 AND abs((m).scale / 11.1885589278 - 1) < 1e-5
                  AND abs((m).se_q / 0.513072 - 1) < 1e-3 AND abs((m).se_scale / 7.286065 - 1) < 1e-3
                  AND abs((m).log_likelihood - -27.2995058530) < 1e-8 AND (m).customers = 6,
                  'Gamma-Gamma at p -> infinity ' || (m)::text) FROM ggp;
SELECT check_that(crm_gamma_gamma_expected_spend(m, 2, 80) = 80 AND crm_gamma_gamma_expected_spend(m, 1, 5) = 5
                  AND abs(crm_gamma_gamma_expected_spend(m, 0, 0) / 1312.5532471837 - 1) < 1e-3,
                  'Gamma-Gamma at p -> infinity: the own mean') FROM ggp;

-- CLV from both nested models: the NBD's purchases per period are (r + x) L / (alpha + T), so
-- CLV = margin x spend x (r + x) L / (alpha + T) x sum_{i=1..n} (1 + d)^-i (hand arithmetic), spend the
-- nested p theta (95/6 above)
SELECT check_that(abs(crm_clv(b.m, g.m, 2, 30, 30, 20, 12, 4, 0.01, 0.3)
                      - 0.3 * crm_gamma_gamma_expected_spend(g.m, 2, 20) * ((b.m).r + 2) * 4 / ((b.m).alpha + 30)
                        * (SELECT sum(1 / 1.01 ^ i) FROM generate_series(1, 12) i)) < 1e-9
                  AND abs(crm_clv(p.m, g.m, 2, 30, 30, 20, 12, 4, 0.01, 0.3) / crm_clv(b.m, g.m, 2, 30, 30, 20, 12, 4, 0.01, 0.3) - 1) < 1e-5,
                  'CLV from the NBD and the nested spend model')
FROM bg b, pnb p, ggq g;

-- sBG at homogeneous churn: the geometric cohort 1000 x 0.9^t. The geometric model: theta = D/E =
-- 522/5216 (D = 1000 - 478 churned, E = 1000 + 900 + 810 + 729 + 656 + 590 + 531 periods at risk), SE
-- sqrt(theta (1 - theta) / E) = 0.00415528120916166, ln L = 522 ln theta + 4694 ln(1 - theta) =
-- -1696.5115086636208 (hand arithmetic); alpha = beta = Infinity
CREATE TEMP TABLE sbg AS SELECT crm_fit_sbg('{1000, 900, 810, 729, 656, 590, 531, 478}') AS m;
SELECT check_that((m).boundary = 'homogeneous_churn' AND (m).alpha = 'Infinity' AND (m).beta = 'Infinity'
                  AND (m).se_alpha IS NULL AND (m).se_beta IS NULL AND abs((m).theta / (522.0 / 5216) - 1) < 1e-12
                  AND abs((m).se_theta / 0.00415528120916166 - 1) < 1e-9 AND abs((m).log_likelihood - -1696.5115086636208) < 1e-9
                  AND (m).customers = 1000 AND (m).lr_statistic = 0 AND (m).lr_p_value = 1,
                  'sBG at homogeneous churn: the geometric ' || (m)::text) FROM sbg;
-- its contract values are the geometric model's (crm::discrete_weibull_churn, c = 1), by hand:
-- S(3) = (1 - theta)^3 = (4694/5216)^3, E[T] = sum_{t >= 0} (1 - theta)^t = 1/theta = 5216/522,
-- DERL(4 renewals, 0.1) = (1 - theta)(1 + d)/(d + theta) (memoryless: the same after any renewals),
-- the residual lifetime value 100 times that; r(t) = 1 - theta. Before 2026-12-05 each refused (0A000).
SELECT check_that(abs(crm_survival(m, 3) / power(4694.0 / 5216, 3) - 1) < 1e-14
                  AND abs(crm_expected_lifetime(m) / (5216.0 / 522) - 1) < 1e-14
                  AND abs(crm_residual_lifetime_value(m, 4, 0.1, 100) / (100 * (4694.0 / 5216) * 1.1 / (0.1 + 522.0 / 5216)) - 1) < 1e-13
                  AND abs(crm_retention_rate(m, 5) / (4694.0 / 5216) - 1) < 1e-14,
                  'sBG at homogeneous churn predicts from the geometric model') FROM sbg;

-- BdW at homogeneous churn: 1000 897 794 725 649 588 523 455, the discrete Weibull. Reference "dw":
-- theta 0.1016170945 (SE 0.008624), c 1.0213415684 (0.044665), ln L -1741.9242595920
CREATE TEMP TABLE bdw AS SELECT crm_fit_bdw('{1000, 897, 794, 725, 649, 588, 523, 455}') AS m;
SELECT check_that((m).boundary = 'homogeneous_churn' AND (m).alpha = 'Infinity' AND (m).beta = 'Infinity'
                  AND abs((m).theta / 0.1016170945 - 1) < 1e-6 AND abs((m).c / 1.0213415684 - 1) < 1e-6
                  AND abs((m).se_theta / 0.008624 - 1) < 1e-3 AND abs((m).se_c / 0.044665 - 1) < 1e-3
                  AND abs((m).log_likelihood - -1741.9242595920) < 1e-8
                  AND (m).k IS NULL AND (m).tau IS NULL AND (m).se_k IS NULL AND (m).se_tau IS NULL,
                  'BdW at homogeneous churn: the discrete Weibull ' || (m)::text) FROM bdw;
-- its values are the discrete Weibull's: S(3) = (1 - theta)^(3^c), from the row's theta and c
SELECT check_that(abs(crm_survival(m, 3) / power(1 - (m).theta, power(3, (m).c)) - 1) < 1e-13,
                  'BdW at homogeneous churn predicts from the discrete Weibull') FROM bdw;
-- a composite on BdW's power-law boundary, built by hand (k = 2, tau = 1.5: S(t) = min(1, (1.5/t)^2)):
-- S(3) = 0.25; E[T] = S(0) + S(1) + 2.25 sum_{t >= 2} 1/t^2 = 2 + 2.25 (pi^2/6 - 1) (hand arithmetic)
SELECT check_that(abs(crm_survival(m, 3) - 0.25) < 1e-15 AND abs(crm_expected_lifetime(m) / (2 + 2.25 * (pi() ^ 2 / 6 - 1)) - 1) < 1e-13,
                  'BdW on the power-law boundary predicts from the power law')
FROM (SELECT (0, 0, 'Infinity', NULL, NULL, NULL, -10, 100, 5, 'power_law_survival', 0, NULL, 2, NULL, 1.5, NULL, 0, 1, NULL)::crm_bdw AS m) x;

-- interior fits: boundary and the columns after it NULL
SELECT check_that((m).boundary IS NULL AND (m).p IS NULL AND (m).se_p IS NULL AND (m).lr_statistic IS NULL
                  AND (m).lr_p_value IS NULL, 'interior BG/NBD fit') FROM (SELECT crm_fit_bg_nbd(x, t_x, big_t) m FROM cdnow_summary) f;
SELECT check_that((m).boundary IS NULL AND (m).theta IS NULL AND (m).lr_statistic IS NULL, 'interior sBG fit')
FROM (SELECT crm_fit_sbg('{1000, 631, 468, 382, 326, 289, 262, 241}') m) f;

-- composites built by hand: BG/NBD's b_to_zero and a_and_b_to_zero predict from their limit, a share p that drops
-- out right after its first repeat purchase (crm::first_repeat_dropout_nbd; 0A000 before 2026-12-06): at b_to_zero
-- (p = 1) P(alive) is 0 after one repeat purchase and a second is impossible (22023); at a_and_b_to_zero with p 0.3,
-- r 0.5, alpha 5, P(alive | x = 1, t_x = 3, T = 4) = 1 / (1 + 0.3/0.7 (9/8)^1.5) = 0.6616427139931603 (Python's math);
-- a name that is not one of the model's boundaries is bad input, a NULL column the model needs gives NULL
SELECT check_that(crm_bg_nbd_p_alive((0.5, 5, NULL, 0, NULL, NULL, NULL, NULL, -10, 10, 5, 'b_to_zero', 1, NULL, 0, 1, NULL)::crm_bg_nbd, 1, 3, 4) = 0
                  AND crm_bg_nbd_p_alive((0.5, 5, NULL, 0, NULL, NULL, NULL, NULL, -10, 10, 5, 'b_to_zero', 1, NULL, 0, 1, NULL)::crm_bg_nbd, 0, 0, 4) = 1,
                  'BG/NBD at b -> 0 predicts from its limit');
SELECT check_error($$SELECT crm_bg_nbd_p_alive((0.5, 5, NULL, 0, NULL, NULL, NULL, NULL, -10, 10, 5, 'b_to_zero', 1, NULL, 0, 1, NULL)::crm_bg_nbd, 2, 3, 4)$$,
                   '22023', 'crm::first_repeat_dropout_nbd.probability_alive: frequency is out of range (must be 0 or 1 when pi = 1 '
                   '(every customer drops out at the first repeat purchase))');
SELECT check_that(abs(crm_bg_nbd_p_alive((0.5, 5, 0, 0, NULL, NULL, NULL, NULL, -10, 10, 5, 'a_and_b_to_zero', 0.3, NULL, 0, 1, NULL)::crm_bg_nbd, 1, 3, 4)
                      - 0.6616427139931603) < 1e-14, 'BG/NBD at a, b -> 0 predicts from its limit');
-- the same boundary from a fit, not built by hand: three customers (x, t_x, T) = (0, 0, 3), (1, 1, 3), (3, 3, 3), the
-- case of tests/bg_nbd_test.cpp "a fit stopped on a boundary that is a local supremum only starts again". SciPy
-- (scripts/bg_nbd_tiny_reference.py): the supremum is on a, b -> 0, ln L -7.1649251968 at r 4.52536699, alpha
-- 9.15669872 and a share pi 0.20584301 that drops out at its first repeat purchase. The row: a = b = 0, p = pi with its
-- standard error, the covariance of (r, alpha, pi). P(alive) is the limit's (the formula above): 1 at x = 0 and at
-- x >= 2 (no one of the dropping share makes a second repeat purchase), and at x = 1
-- 1 / (1 + pi/(1 - pi) ((alpha + T)/(alpha + t_x))^(r + 1)), 1 - pi at t_x = T; at SciPy's estimates (Python's math)
-- P(alive | 1, 1, 3) = 0.5883139825789718. Its 90 % interval is around it, inside (0, 1) and inside the 95 % one.
CREATE TEMP TABLE tiny AS
  SELECT crm_fit_bg_nbd(x, t_x, big_t) AS m FROM (VALUES (0::float8, 0::float8, 3::float8), (1, 1, 3), (3, 3, 3)) v(x, t_x, big_t);
SELECT check_that((m).boundary = 'a_and_b_to_zero' AND (m).a = 0 AND (m).b = 0 AND (m).customers = 3
                  AND abs((m).log_likelihood - -7.1649251968) < 1e-7
                  AND abs((m).r / 4.52536699 - 1) < 1e-3 AND abs((m).alpha / 9.15669872 - 1) < 1e-3
                  AND abs((m).p / 0.20584301 - 1) < 1e-3
                  AND array_length((m).covariance, 1) = 3 AND abs(sqrt((m).covariance[3][3]) / (m).se_p - 1) < 1e-12,
                  'BG/NBD fitted at a, b -> 0 ' || (m)::text) FROM tiny;
SELECT check_that(crm_bg_nbd_p_alive(m, 0, 0, 3) = 1 AND crm_bg_nbd_p_alive(m, 3, 3, 3) = 1
                  AND abs(crm_bg_nbd_p_alive(m, 1, 3, 3) - (1 - (m).p)) < 1e-12
                  AND abs(crm_bg_nbd_p_alive(m, 1, 1, 3)
                          - 1 / (1 + (m).p / (1 - (m).p) * (((m).alpha + 3) / ((m).alpha + 1)) ^ ((m).r + 1))) < 1e-12
                  AND abs(crm_bg_nbd_p_alive(m, 1, 1, 3) - 0.5883139825789718) < 1e-3,
                  'a fitted BG/NBD at a, b -> 0 predicts from its limit') FROM tiny;
SELECT check_that((i).point = crm_bg_nbd_p_alive(m, 1, 1, 3) AND 0 < (i).lower AND (i).lower < (i).point
                  AND (i).point < (i).upper AND (i).upper < 1 AND (w).lower < (i).lower AND (i).upper < (w).upper,
                  'the fitted limit''s P(alive) interval ' || (i)::text || ' ' || (w)::text)
FROM (SELECT m, crm_bg_nbd_p_alive_interval(m, 1, 1, 3) AS i, crm_bg_nbd_p_alive_interval(m, 1, 1, 3, 0.95) AS w FROM tiny) x;
-- a corner row built by hand: pi = 0.3 as s = -ln(0.7)/300; P(alive | x = 0, T = 30) of the zero-inflated NBD
-- (r 0.8, alpha 8): 0.7 A / (0.7 A + 0.3), A = (8/38)^0.8, 0.4015002781593775 (Python's math, as tests/nbd_test.cpp)
SELECT check_that(abs(crm_pareto_nbd_p_alive((0.8, 8, 0.0011889164797957749, exp(-300::float8), NULL, NULL, NULL, NULL, -10, 10, 5,
                                              's_and_beta_to_zero', 'Infinity', NULL, 30, 0, NULL)::crm_pareto_nbd, 0, 0, 30)
                      - 0.4015002781593775) < 1e-13, 'a corner row built by hand predicts from the zero-inflated NBD');
SELECT check_error($$SELECT crm_bg_nbd_p_alive((0.5, 5, 1, 1, NULL, NULL, NULL, NULL, -10, 10, 5, 's_to_zero', NULL, NULL, NULL, NULL, NULL)::crm_bg_nbd, 2, 3, 4)$$,
                   '22023', 'crm::bg_nbd: boundary must be NULL (an interior fit) or one of a_to_zero, b_to_zero, '
                   'a_and_b_to_zero, homogeneous_dropout, not "s_to_zero"');
SELECT check_error($$SELECT crm_gamma_gamma_expected_spend((6, 4, 15, NULL, NULL, NULL, 0, 0, 0, 'nonsense', NULL, NULL, NULL, NULL, NULL)::crm_gamma_gamma, 2, 20)$$,
                   '22023');
SELECT check_that(crm_bg_nbd_p_alive((0.5, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 'a_to_zero', 0, NULL, NULL, NULL, NULL)::crm_bg_nbd, 2, 3, 4) IS NULL
                  AND crm_bg_nbd_p_alive((0.5, 5, 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 'a_to_zero', 0, NULL, NULL, NULL, NULL)::crm_bg_nbd, 2, 3, 4) = 1,
                  'a NULL column the nested model needs gives NULL; one it does not need is not read');

-- The covariance column at a boundary (docs/postgresql.md, "Prediction intervals"): the nested model's,
-- in its parameter order, sqrt of its diagonal the se_ columns of those parameters
SELECT check_that(array_dims((b.m).covariance) = '[1:2][1:2]'
                  AND abs(sqrt((b.m).covariance[1][1]) / (b.m).se_r - 1) < 1e-12 AND abs(sqrt((b.m).covariance[2][2]) / (b.m).se_alpha - 1) < 1e-12,
                  'the NBD''s covariance (r, alpha) at a -> 0') FROM bg b;
SELECT check_that(array_dims((b.m).covariance) = '[1:3][1:3]' AND array_dims((p.m).covariance) = '[1:3][1:3]'
                  AND abs(sqrt((b.m).covariance[1][1]) / (b.m).se_r - 1) < 1e-12 AND abs(sqrt((b.m).covariance[2][2]) / (b.m).se_alpha - 1) < 1e-12
                  AND abs(sqrt((b.m).covariance[3][3]) / (b.m).se_p - 1) < 1e-12
                  AND abs(sqrt((p.m).covariance[1][1]) / (p.m).se_r - 1) < 1e-12 AND abs(sqrt((p.m).covariance[2][2]) / (p.m).se_alpha - 1) < 1e-12
                  AND abs(sqrt((p.m).covariance[3][3]) / (p.m).se_mu - 1) < 1e-12,
                  'the homogeneous models'' covariance (r, alpha, p or mu)') FROM hbg b, hpn p;
SELECT check_that(array_dims((q.m).covariance) = '[1:2][1:2]' AND array_dims((p.m).covariance) = '[1:2][1:2]'
                  AND abs(sqrt((q.m).covariance[1][1]) / (q.m).se_p - 1) < 1e-12 AND abs(sqrt((q.m).covariance[2][2]) / (q.m).se_scale - 1) < 1e-12
                  AND abs(sqrt((p.m).covariance[1][1]) / (p.m).se_q - 1) < 1e-12 AND abs(sqrt((p.m).covariance[2][2]) / (p.m).se_scale - 1) < 1e-12,
                  'gamma-gamma''s nested covariance: (p, theta) at q -> infinity, (q, c) at p -> infinity') FROM ggq q, ggp p;
SELECT check_that(array_dims((s.m).covariance) = '[1:1][1:1]' AND abs(sqrt((s.m).covariance[1][1]) / (s.m).se_theta - 1) < 1e-12
                  AND array_dims((w.m).covariance) = '[1:2][1:2]' AND abs(sqrt((w.m).covariance[1][1]) / (w.m).se_theta - 1) < 1e-12
                  AND abs(sqrt((w.m).covariance[2][2]) / (w.m).se_c - 1) < 1e-12,
                  'sbg''s (theta) and bdw''s (theta, c) covariance at homogeneous churn') FROM sbg s, bdw w;
