-- Prediction intervals (docs/postgresql.md, "Prediction intervals"): the `covariance` column of the
-- model composites and the crm_*_interval functions. References: the mpmath values of
-- scripts/intervals_diagnostics_reference.py, section delta (run: PY=$(bash scripts/scipy-env.sh) &&
-- "$PY" scripts/intervals_diagnostics_reference.py delta; quoted and checked against the library in
-- tests/model_intervals_test.cpp, mp_log_cov and "prediction intervals: BG/NBD delta method on CDNOW
-- matches mpmath"): the BG/NBD likelihood of CDNOW in mpmath at 50 digits, at its SciPy fit rounded to
-- P = (r 0.242593, alpha 4.41353, a 0.792886, b 2.42575); C_u = the inverse of the Hessian of -ln L in
-- ln(parameters) (central differences, h = 1e-12), so the covariance of the natural parameters is
-- p_i p_j C_u[i][j]; the 90 % delta intervals of customer 1 (x 2, t_x 30.43, T 38.86):
--   probability_alive(2, 30.43, 38.86): estimate 0.726608981501 se 0.0162209431225 [0.699132921072, 0.752464255763]
--   conditional_expected_purchases((2, 30.43, 38.86), 39): estimate 1.22591015652 se 0.0451897819948
--     [1.15378815941, 1.30254041837]
-- and the bootstrap of section "bootstrap" (NumPy, 400 000 draws of N(ln P, C_u)):
--   probability_alive(2, 30.43, 38.86): 90% [0.7007010990410225, 0.7546686406128087]
CREATE TEMP TABLE mp AS
  SELECT ARRAY[0.242593, 4.41353, 0.792886, 2.42575]::float8[] AS p,
         ARRAY[[0.00267940080337, 0.00346167239312, -0.000456668035585, 0.000111558186114],
               [0.00346167239312, 0.00734378477738, -0.000818870771754, 0.000982837250268],
               [-0.000456668035585, -0.000818870771754, 0.0548644664879, 0.0640526375267],
               [0.000111558186114, 0.000982837250268, 0.0640526375267, 0.084549359171]]::float8[] AS cu;
-- the natural covariance p_i p_j C_u[i][j] as a 4 x 4 float8[][]
CREATE TEMP TABLE mp_cov AS
  SELECT array_agg(r ORDER BY i) AS cov
  FROM (SELECT i, array_agg(p[i] * p[j] * cu[i][j] ORDER BY j) AS r FROM mp, generate_series(1, 4) i, generate_series(1, 4) j GROUP BY i) x;

-- (a) the covariance column of the CDNOW BG/NBD fit: a 4 x 4 matrix (r, alpha, a, b), symmetric, whose
-- diagonal's square roots are the se_ columns, and each entry within 1e-4 sqrt(C_ii C_jj) of mpmath's at
-- P (the fit is within 1e-5 of P; the tolerance tests/model_intervals_test.cpp uses for the library's fit)
CREATE TEMP TABLE fit AS SELECT crm_fit_bg_nbd(x, t_x, big_t) AS m FROM cdnow_summary;
SELECT check_that(array_dims((m).covariance) = '[1:4][1:4]', 'bg/nbd: a 4 x 4 covariance ' || array_dims((m).covariance)) FROM fit;
SELECT check_that(abs((m).r / 0.242593 - 1) < 1e-5 AND abs((m).alpha / 4.41353 - 1) < 1e-5 AND abs((m).a / 0.792886 - 1) < 1e-5
                  AND abs((m).b / 2.42575 - 1) < 1e-5, 'bg/nbd: the fit is at P') FROM fit;
SELECT check_that(abs(sqrt((m).covariance[1][1]) / (m).se_r - 1) < 1e-12 AND abs(sqrt((m).covariance[2][2]) / (m).se_alpha - 1) < 1e-12
                  AND abs(sqrt((m).covariance[3][3]) / (m).se_a - 1) < 1e-12 AND abs(sqrt((m).covariance[4][4]) / (m).se_b - 1) < 1e-12,
                  'bg/nbd: sqrt of the covariance''s diagonal is the standard errors') FROM fit;
SELECT check_that(bool_and((m).covariance[i][j] = (m).covariance[j][i]
                           AND abs((m).covariance[i][j] - c.cov[i][j]) < 1e-4 * sqrt(c.cov[i][i] * c.cov[j][j])),
                  'bg/nbd: the covariance is mpmath''s')
FROM fit, mp_cov c, generate_series(1, 4) i, generate_series(1, 4) j;
-- the other fits: the covariance of their parameters, sqrt of its diagonal their se_ columns
SELECT check_that(array_dims(covariance) = '[1:3][1:3]' AND abs(sqrt(covariance[1][1]) / se_p - 1) < 1e-12
                  AND abs(sqrt(covariance[2][2]) / se_q - 1) < 1e-12 AND abs(sqrt(covariance[3][3]) / se_gamma - 1) < 1e-12,
                  'gamma-gamma: covariance and se')
FROM (SELECT (crm_fit_gamma_gamma(crm_rfm_state(customer, day, amount, '1997-09-30', 7))).* FROM cdnow WHERE day <= '1997-09-30') f;
SELECT check_that(array_dims(covariance) = '[1:4][1:4]' AND abs(sqrt(covariance[1][1]) / se_alpha - 1) < 1e-12
                  AND abs(sqrt(covariance[2][2]) / se_beta - 1) < 1e-12 AND abs(sqrt(covariance[3][3]) / se_gamma - 1) < 1e-12
                  AND abs(sqrt(covariance[4][4]) / se_delta - 1) < 1e-12, 'bg/bb: covariance and se')
FROM (SELECT (crm_fit_bg_bb(frequency, recency, periods, weight)).* FROM donations) f;
SELECT check_that(array_dims(s.covariance) = '[1:2][1:2]' AND abs(sqrt(s.covariance[1][1]) / s.se_alpha - 1) < 1e-12
                  AND abs(sqrt(s.covariance[2][2]) / s.se_beta - 1) < 1e-12
                  AND array_dims(w.covariance) = '[1:3][1:3]' AND abs(sqrt(w.covariance[1][1]) / w.se_alpha - 1) < 1e-12
                  AND abs(sqrt(w.covariance[2][2]) / w.se_beta - 1) < 1e-12 AND abs(sqrt(w.covariance[3][3]) / w.se_c - 1) < 1e-12,
                  'sbg, bdw: covariance and se')
FROM crm_fit_sbg('{1000, 631, 468, 382, 326, 289, 262, 241}') s, crm_fit_bdw('{1000, 631, 468, 382, 326, 289, 262, 241}') w;

-- (b) intervals. A model built by hand at P with mpmath's covariance: the delta intervals of customer 1
-- are mpmath's (the library's gradient is a central difference with step cbrt(eps): within 1e-7)
CREATE TEMP TABLE at_p AS
  SELECT row(p[1], p[2], p[3], p[4], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, c.cov)::crm_bg_nbd AS m
  FROM mp, mp_cov c;
SELECT check_that(abs((i).point - 0.726608981501) < 1e-9 AND abs((i).lower - 0.699132921072) < 1e-7
                  AND abs((i).upper - 0.752464255763) < 1e-7 AND (i).level = 0.9, 'P(alive) interval is mpmath''s ' || i::text)
FROM (SELECT crm_bg_nbd_p_alive_interval(m, 2, 30.43, 38.86) AS i FROM at_p) x;
SELECT check_that(abs((i).point - 1.22591015652) < 1e-9 AND abs((i).lower - 1.15378815941) < 1e-7
                  AND abs((i).upper - 1.30254041837) < 1e-7, 'expected purchases interval is mpmath''s ' || i::text)
FROM (SELECT crm_bg_nbd_expected_purchases_interval(m, 2, 30.43, 38.86, 39) AS i FROM at_p) x;
-- and hand arithmetic: g = d P(alive) / d ln(p_k) by central differences of crm_bg_nbd_p_alive (step
-- h = 1e-5), se = sqrt(g' C_u g) with C_u = covariance[i][j] / (p_i p_j), the logit interval
-- expit(logit P -+ z se / (P (1 - P))), z = 1.6448536269514722 (the standard normal's 95th percentile)
CREATE TEMP TABLE grad AS
  SELECT k, (crm_bg_nbd_p_alive(row(p[1] * exp(CASE k WHEN 1 THEN 1e-5 ELSE 0 END), p[2] * exp(CASE k WHEN 2 THEN 1e-5 ELSE 0 END),
                                    p[3] * exp(CASE k WHEN 3 THEN 1e-5 ELSE 0 END), p[4] * exp(CASE k WHEN 4 THEN 1e-5 ELSE 0 END),
                                    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_nbd, 2, 30.43, 38.86)
           - crm_bg_nbd_p_alive(row(p[1] * exp(CASE k WHEN 1 THEN -1e-5 ELSE 0 END), p[2] * exp(CASE k WHEN 2 THEN -1e-5 ELSE 0 END),
                                    p[3] * exp(CASE k WHEN 3 THEN -1e-5 ELSE 0 END), p[4] * exp(CASE k WHEN 4 THEN -1e-5 ELSE 0 END),
                                    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_nbd, 2, 30.43, 38.86))
          / 2e-5 AS g
  FROM mp, generate_series(1, 4) k;
CREATE TEMP TABLE hand AS
  SELECT v, sqrt(se2) AS se, ln(v / (1 - v)) AS l, 1.6448536269514722 * sqrt(se2) / (v * (1 - v)) AS w
  FROM (SELECT crm_bg_nbd_p_alive(m, 2, 30.43, 38.86) AS v,
               (SELECT sum(gi.g * gj.g * (m).covariance[gi.k][gj.k] / (mp.p[gi.k] * mp.p[gj.k])) FROM grad gi, grad gj, mp) AS se2
        FROM at_p) x;
SELECT check_that(abs((i).point - v) < 1e-15 AND abs((i).lower - 1 / (1 + exp(-(l - w)))) < 1e-8
                  AND abs((i).upper - 1 / (1 + exp(-(l + w)))) < 1e-8 AND abs(se - 0.0162209431225) < 1e-8,
                  'P(alive) interval is the hand arithmetic ' || i::text || ' se ' || se)
FROM hand, (SELECT crm_bg_nbd_p_alive_interval(m, 2, 30.43, 38.86) AS i FROM at_p) x;
-- the level: a 95 % interval contains the 90 % one around the same point
SELECT check_that((a).point = (b).point AND (b).lower < (a).lower AND (a).upper < (b).upper AND (b).level = 0.95, 'level 0.95')
FROM (SELECT crm_bg_nbd_p_alive_interval(m, 2, 30.43, 38.86) a, crm_bg_nbd_p_alive_interval(m, 2, 30.43, 38.86, 0.95) b FROM at_p) x;
-- the bootstrap (2000 draws, seed 42): reproducible, and its quantiles within 0.003 of NumPy's 400 000
-- draws (the 5 % quantile of 2000 draws has a standard error of about 0.0008 here)
SELECT check_that(a = b AND abs((a).point - 0.726608981501) < 1e-9 AND abs((a).lower - 0.7007010990410225) < 0.003
                  AND abs((a).upper - 0.7546686406128087) < 0.003, 'bootstrap P(alive) ' || a::text)
FROM (SELECT crm_bg_nbd_p_alive_interval(m, 2, 30.43, 38.86, method => 'bootstrap') a,
             crm_bg_nbd_p_alive_interval(m, 2, 30.43, 38.86, 0.9, 'bootstrap') b FROM at_p) x;

-- the fitted models: every interval's point is the prediction function's value, to the last bit,
-- between its bounds, for a few customers (before 2026-12-06 the library evaluated the point at
-- exp(ln(parameters)), which differed from the prediction in the last digit)
CREATE TEMP TABLE customers AS SELECT * FROM (VALUES (0, 0, 38.86), (2, 30.43, 38.86), (1, 1.71, 38.86), (7, 29.43, 38.86)) c(x, tx, big_t);
-- (BG/NBD's P(alive) of a customer without repeat purchases is 1 at any parameters: [1, 1])
SELECT check_that(bool_and((i).point = crm_bg_nbd_p_alive(m, x, tx, big_t)
                           AND CASE WHEN x = 0 THEN (i).lower = 1 AND (i).point = 1 AND (i).upper = 1 ELSE (i).lower < (i).point AND (i).point < (i).upper END
                           AND (e).point = crm_bg_nbd_expected_purchases(m, x, tx, big_t, 39) AND (e).lower < (e).point AND (e).point < (e).upper),
                  'bg/nbd fit: intervals around the predictions')
FROM (SELECT x, tx, big_t, m, crm_bg_nbd_p_alive_interval(m, x, tx, big_t) i, crm_bg_nbd_expected_purchases_interval(m, x, tx, big_t, 39) e
      FROM fit, customers) y;
-- and the fit's own covariance gives mpmath's interval of customer 1 within 1e-5 (the fit is not exactly P)
SELECT check_that(abs((i).lower - 0.699132921072) < 1e-5 AND abs((i).upper - 0.752464255763) < 1e-5, 'bg/nbd fit: P(alive) interval ' || i::text)
FROM (SELECT crm_bg_nbd_p_alive_interval(m, 2, 30.43, 38.86) i FROM fit) x;
CREATE TEMP TABLE pfit AS SELECT crm_fit_pareto_nbd(x, t_x, big_t) AS m FROM cdnow_summary;
SELECT check_that(array_dims((m).covariance) = '[1:4][1:4]' AND abs(sqrt((m).covariance[1][1]) / (m).se_r - 1) < 1e-12
                  AND abs(sqrt((m).covariance[2][2]) / (m).se_alpha - 1) < 1e-12 AND abs(sqrt((m).covariance[3][3]) / (m).se_s - 1) < 1e-12
                  AND abs(sqrt((m).covariance[4][4]) / (m).se_beta - 1) < 1e-12, 'pareto/nbd: covariance and se') FROM pfit;
SELECT check_that(bool_and((i).point = crm_pareto_nbd_p_alive(m, x, tx, big_t) AND (i).lower < (i).point AND (i).point < (i).upper
                           AND (e).point = crm_pareto_nbd_expected_purchases(m, x, tx, big_t, 39) AND (e).lower < (e).point AND (e).point < (e).upper),
                  'pareto/nbd fit: intervals around the predictions')
FROM (SELECT x, tx, big_t, m, crm_pareto_nbd_p_alive_interval(m, x, tx, big_t) i, crm_pareto_nbd_expected_purchases_interval(m, x, tx, big_t, 39) e
      FROM pfit, customers) y;
SELECT check_that(bool_and((i).point = crm_gamma_gamma_expected_spend(m, x, zbar) AND (i).lower < (i).point AND (i).point < (i).upper),
                  'gamma-gamma fit: intervals around the expected spend')
FROM (SELECT x, zbar, m, crm_gamma_gamma_expected_spend_interval(m, x, zbar) i
      FROM (SELECT crm_fit_gamma_gamma(crm_rfm_state(customer, day, amount, '1997-09-30', 7)) m FROM cdnow WHERE day <= '1997-09-30') g,
           (VALUES (0, 0), (1, 20.5), (5, 35.0)) c(x, zbar)) y;
SELECT check_that(bool_and((i).point = crm_bg_bb_p_alive(m, x, tx, n) AND (i).lower < (i).point AND (i).point < (i).upper
                           AND (a).point = crm_bg_bb_p_alive(m, x, tx, n, 3) AND (a).lower < (a).point AND (a).point < (a).upper
                           AND (e).point = crm_bg_bb_expected_purchases(m, x, tx, n, 5) AND (e).lower < (e).point AND (e).point < (e).upper),
                  'bg/bb fit: intervals around the predictions')
FROM (SELECT x, tx, n, m, crm_bg_bb_p_alive_interval(m, x, tx, n) i, crm_bg_bb_p_alive_interval(m, x, tx, n, 3) a,
             crm_bg_bb_expected_purchases_interval(m, x, tx, n, 5) e
      FROM (SELECT crm_fit_bg_bb(frequency, recency, periods, weight) m FROM donations) f,
           (VALUES (0, 0, 6), (3, 4, 6), (1, 1, 6)) c(x, tx, n)) y;

-- at a boundary: 100 customers never seen to drop out (as in 36_boundary.sql) fit the NBD (a -> 0); the
-- covariance is the NBD's (r, alpha), sqrt of its diagonal se_r and se_alpha; P(alive) is 1 with no
-- spread, the expected purchases get an interval from the NBD's estimate
CREATE TEMP TABLE nodrop AS
  SELECT x, CASE WHEN x > 0 THEN big_t ELSE 0 END AS t_x, big_t
  FROM (SELECT (CASE WHEN (7 * i) % 11 >= 4 THEN (7 * i) % 11 - 3 ELSE 0 END)::float8 AS x, (20 + 5 * (i % 7))::float8 AS big_t
        FROM generate_series(1, 100) i) s;
CREATE TEMP TABLE bfit AS SELECT crm_fit_bg_nbd(x, t_x, big_t) AS m FROM nodrop;
SELECT check_that((m).boundary = 'a_to_zero' AND array_dims((m).covariance) = '[1:2][1:2]'
                  AND abs(sqrt((m).covariance[1][1]) / (m).se_r - 1) < 1e-12 AND abs(sqrt((m).covariance[2][2]) / (m).se_alpha - 1) < 1e-12,
                  'bg/nbd at a -> 0: the NBD''s covariance ' || (m).covariance::text) FROM bfit;
SELECT check_that((i).point = 1 AND (i).lower = 1 AND (i).upper = 1
                  AND (e).point = crm_bg_nbd_expected_purchases(m, 2, 30, 30, 10) AND (e).lower < (e).point AND (e).point < (e).upper,
                  'bg/nbd at a -> 0: intervals from the NBD ' || i::text || e::text)
FROM (SELECT m, crm_bg_nbd_p_alive_interval(m, 2, 30, 30) i, crm_bg_nbd_expected_purchases_interval(m, 2, 30, 30, 10) e FROM bfit) x;

-- at the boundary at infinity (scripts/data/homogeneous_bg_nbd.csv, as in 36_boundary.sql): the homogeneous
-- BG/NBD's (r, alpha, p) and their 3 x 3 covariance give the intervals
SELECT check_that((m).boundary = 'homogeneous_dropout' AND (i).lower < (i).point AND (i).point < (i).upper
                  AND (i).point = crm_bg_nbd_p_alive(m, 2, 20, 30)
                  AND (e).lower < (e).point AND (e).point < (e).upper AND (e).point = crm_bg_nbd_expected_purchases(m, 2, 20, 30, 10),
                  'bg/nbd at homogeneous drop-out: intervals from the nested model ' || i::text || e::text)
FROM (SELECT m, crm_bg_nbd_p_alive_interval(m, 2, 20, 30) i, crm_bg_nbd_expected_purchases_interval(m, 2, 20, 30, 10) e
      FROM (SELECT crm_fit_bg_nbd(x, t_x, big_t) AS m FROM homogeneous_bg) f) x;

-- the other boundaries with a nested model (the data of 36_boundary.sql and 39_bg_bb.sql): each
-- interval's point is the prediction function's value, to the last bit, between its bounds, and a
-- prediction the nested model does not let the parameters move (P(alive) 1 where nobody drops out, a
-- repeat customer's own mean spend at p -> infinity) has no spread
SELECT check_that((m).boundary = 'beta_to_infinity' AND (i).point = 1 AND (i).lower = 1 AND (i).upper = 1
                  AND (e).point = crm_pareto_nbd_expected_purchases(m, 2, 30, 30, 10) AND (e).lower < (e).point AND (e).point < (e).upper,
                  'pareto/nbd at beta -> infinity: intervals from the NBD ' || i::text || e::text)
FROM (SELECT m, crm_pareto_nbd_p_alive_interval(m, 2, 30, 30) i, crm_pareto_nbd_expected_purchases_interval(m, 2, 30, 30, 10) e
      -- (a crm_pareto_nbd row at beta -> infinity built from the NBD of the BG/NBD fit above: since 2026-12-06 Pareto/NBD's
      -- own fit on these rows names the corner s, beta -> 0, 36_boundary.sql)
      FROM (SELECT ROW((b.m).r, (b.m).alpha, NULL, 'Infinity', (b.m).se_r, (b.m).se_alpha, NULL, NULL, (b.m).log_likelihood,
                       (b.m).customers, (b.m).iterations, 'beta_to_infinity', 0, NULL, 0, 1, (b.m).covariance)::crm_pareto_nbd AS m
            FROM bfit b) f) x;
SELECT check_that((m).boundary = 'homogeneous_death_rate'
                  AND (i).point = crm_pareto_nbd_p_alive(m, 2, 10, 40) AND (i).lower < (i).point AND (i).point < (i).upper
                  AND (e).point = crm_pareto_nbd_expected_purchases(m, 2, 10, 40, 20) AND (e).lower < (e).point AND (e).point < (e).upper,
                  'pareto/nbd at homogeneous death rate: intervals from the nested model ' || i::text || e::text)
FROM (SELECT m, crm_pareto_nbd_p_alive_interval(m, 2, 10, 40) i, crm_pareto_nbd_expected_purchases_interval(m, 2, 10, 40, 20) e
      FROM (SELECT crm_fit_pareto_nbd(x, t_x, big_t) AS m FROM homogeneous_pareto) f) x;
SELECT check_that((m).boundary = 'q_to_infinity' AND (i).point = crm_gamma_gamma_expected_spend(m, 2, 20)
                  AND (i).lower < (i).point AND (i).point < (i).upper,
                  'gamma-gamma at q -> infinity: the interval of p theta ' || i::text)
FROM (SELECT m, crm_gamma_gamma_expected_spend_interval(m, 2, 20) i
      FROM (SELECT crm_fit_gamma_gamma(crm_rfm_state(c, date '2020-01-01' + k, (CASE WHEN k = 0 THEN 99 ELSE v END)::float8, '2020-12-31', 1)) m
            FROM (VALUES (1, 1, 10), (2, 2, 20), (3, 3, 15)) s(c, x, v), generate_series(0, x) k) f) y;
SELECT check_that((m).boundary = 'p_to_infinity' AND (own).point = 80 AND (own).lower = 80 AND (own).upper = 80
                  AND (new).point = crm_gamma_gamma_expected_spend(m, 0, 0) AND (new).lower < (new).point AND (new).point < (new).upper,
                  'gamma-gamma at p -> infinity: a repeat customer''s own mean, a new customer''s c/(q - 1) ' || own::text || new::text)
FROM (SELECT m, crm_gamma_gamma_expected_spend_interval(m, 2, 80) own, crm_gamma_gamma_expected_spend_interval(m, 0, 0) new
      FROM (SELECT crm_fit_gamma_gamma(crm_rfm_state(c, date '2020-01-01' + k, (CASE WHEN k = 0 THEN 99 ELSE v END)::float8, '2020-12-31', 1)) m
            FROM (VALUES (1, 1, 5), (2, 1, 50), (3, 2, 8), (4, 2, 80), (5, 3, 6), (6, 3, 60)) s(c, x, v), generate_series(0, x) k) f) y;
SELECT check_that((m).boundary = 'bb_no_dropout' AND (i).point = 1 AND (i).lower = 1 AND (i).upper = 1
                  AND (e).point = crm_bg_bb_expected_purchases(m, 3, 6, 6, 5) AND (e).lower < (e).point AND (e).point < (e).upper,
                  'bg/bb on the no-drop-out boundary: intervals from the Beta-Bernoulli ' || i::text || e::text)
FROM (SELECT m, crm_bg_bb_p_alive_interval(m, 3, 6, 6) i, crm_bg_bb_expected_purchases_interval(m, 3, 6, 6, 5) e
      FROM (SELECT crm_fit_bg_bb(x, t, n, w) AS m FROM (VALUES (6, 6, 6, 10), (3, 6, 6, 20), (1, 6, 6, 15), (0, 0, 6, 30), (2, 6, 6, 12),
                                                                (5, 6, 6, 8)) v(x, t, n, w)) f) y;
SELECT check_that((m).boundary = 'bb_binomial' AND (i).point = 1 AND (i).lower = 1 AND (i).upper = 1
                  AND (e).point = crm_bg_bb_expected_purchases(m, 3, 6, 6, 5) AND (e).lower < (e).point AND (e).point < (e).upper,
                  'bg/bb at the binomial corner: intervals of 5 p ' || i::text || e::text)
FROM (SELECT m, crm_bg_bb_p_alive_interval(m, 3, 6, 6) i, crm_bg_bb_expected_purchases_interval(m, 3, 6, 6, 5) e
      FROM (SELECT crm_fit_bg_bb(x, t, n, w) AS m FROM (VALUES (2, 5, 6, 10), (3, 6, 6, 12), (4, 6, 6, 10), (3, 5, 6, 9), (5, 6, 6, 3)) v(x, t, n, w)) f) y;
SELECT check_that((m).boundary = 'homogeneous_churn' AND (s).point = crm_survival(m, 3) AND (s).lower < (s).point AND (s).point < (s).upper
                  AND (r).point = crm_retention_rate(m, 3) AND (r).lower < (r).point AND (r).point < (r).upper,
                  'BdW at homogeneous churn: intervals from the discrete Weibull ' || s::text || r::text)
FROM (SELECT m, crm_survival_interval(m, 3) s, crm_retention_rate_interval(m, 3) r
      FROM (SELECT crm_fit_bdw('{1000, 897, 794, 725, 649, 588, 523, 455}') AS m) f) y;

-- CLV with its interval, from the BG/NBD at P with mpmath's covariance and the Gamma-Gamma built by hand
-- above (independent estimates: the joint covariance is block-diagonal). By hand: the gradient of
-- crm_clv in the 7 log-parameters (ln r, ln alpha, ln a, ln b, ln p, ln q, ln gamma) by central
-- differences (step 1e-5), se = sqrt(g' C_u g) over both blocks, the interval on the log scale
-- v exp(-+ z se / v), z = 1.6448536269514722
CREATE FUNCTION pg_temp.bgm(p float8[], c float8[]) RETURNS crm_bg_nbd LANGUAGE sql
  AS $$ SELECT row(p[1], p[2], p[3], p[4], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, c)::crm_bg_nbd $$;
CREATE FUNCTION pg_temp.ggm(p float8[], c float8[]) RETURNS crm_gamma_gamma LANGUAGE sql
  AS $$ SELECT row(p[1], p[2], p[3], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, c)::crm_gamma_gamma $$;
-- p with its k-th entry times exp(h) (no entry when k is outside p)
CREATE FUNCTION pg_temp.shifted(p float8[], k int, h float8) RETURNS float8[] LANGUAGE sql
  AS $$ SELECT array_agg(p[i] * exp(CASE WHEN i = k THEN h ELSE 0 END) ORDER BY i) FROM generate_subscripts(p, 1) i $$;
CREATE TEMP TABLE clv_models AS
  SELECT mp.p AS bp, c.cov AS bcov, ARRAY[6.25, 3.74, 15.44]::float8[] AS gp,
         '{{1.416, -0.232, -4.803}, {-0.232, 0.08418, 0.992}, {-4.803, 0.992, 17.3}}'::float8[] AS gcov
  FROM mp, mp_cov c;
CREATE TEMP TABLE clv_grad AS
  SELECT k, (crm_clv(pg_temp.bgm(pg_temp.shifted(bp, k, 1e-5), NULL), pg_temp.ggm(pg_temp.shifted(gp, k - 4, 1e-5), NULL), 2, 30.43, 38.86, 22.35)
             - crm_clv(pg_temp.bgm(pg_temp.shifted(bp, k, -1e-5), NULL), pg_temp.ggm(pg_temp.shifted(gp, k - 4, -1e-5), NULL), 2, 30.43, 38.86, 22.35))
            / 2e-5 AS g
  FROM clv_models, generate_series(1, 7) k;
CREATE TEMP TABLE clv_hand AS
  SELECT v, sqrt(se2) AS se
  FROM (SELECT crm_clv(pg_temp.bgm(bp, NULL), pg_temp.ggm(gp, NULL), 2, 30.43, 38.86, 22.35) AS v,
               (SELECT sum(gi.g * gj.g * CASE WHEN gi.k <= 4 AND gj.k <= 4 THEN bcov[gi.k][gj.k] / (bp[gi.k] * bp[gj.k])
                                              WHEN gi.k > 4 AND gj.k > 4 THEN gcov[gi.k - 4][gj.k - 4] / (gp[gi.k - 4] * gp[gj.k - 4])
                                              ELSE 0 END)
                FROM clv_grad gi, clv_grad gj) AS se2
        FROM clv_models) x;
SELECT check_that(abs((i).point / v - 1) < 1e-13 AND abs((i).lower / (v * exp(-1.6448536269514722 * se / v)) - 1) < 1e-8
                  AND abs((i).upper / (v * exp(1.6448536269514722 * se / v)) - 1) < 1e-8 AND (i).level = 0.9,
                  'CLV interval is the hand arithmetic ' || i::text || ' se ' || se)
FROM clv_hand, (SELECT crm_clv_interval(pg_temp.bgm(bp, bcov), pg_temp.ggm(gp, gcov), 2, 30.43, 38.86, 22.35) i FROM clv_models) x;
-- the fitted models: CLV intervals around crm_clv for BG/NBD, Pareto/NBD (CDNOW) and BG/BB (donations),
-- 12 months of 4.345 weeks (BG/BB: 5 years of one opportunity), 1 % a period, margin 30 %
CREATE TEMP TABLE ggfit AS
  SELECT crm_fit_gamma_gamma(crm_rfm_state(customer, day, amount, '1997-09-30', 7)) AS m FROM cdnow WHERE day <= '1997-09-30';
SELECT check_that(bool_and((b).point = crm_clv(f.m, g.m, x, tx, big_t, zbar, 12, 4.345, 0.01, 0.3)
                           AND (b).lower < (b).point AND (b).point < (b).upper
                           AND (p).point = crm_clv(pf.m, g.m, x, tx, big_t, zbar, 12, 4.345, 0.01, 0.3)
                           AND (p).lower < (p).point AND (p).point < (p).upper),
                  'CLV intervals of the CDNOW fits')
FROM fit f, pfit pf, ggfit g, (VALUES (2, 30.43, 38.86, 22.35), (0, 0, 38.86, 0), (7, 29.43, 38.86, 45.0)) c(x, tx, big_t, zbar),
     LATERAL (SELECT crm_clv_interval(f.m, g.m, x, tx, big_t, zbar, 12, 4.345, 0.01, 0.3) b,
                     crm_clv_interval(pf.m, g.m, x, tx, big_t, zbar, 12, 4.345, 0.01, 0.3) p) i;
SELECT check_that((i).point = crm_clv(b.m, g.m, 3, 4, 6, 30, 5) AND (i).lower < (i).point AND (i).point < (i).upper,
                  'CLV interval of the BG/BB fit ' || i::text)
FROM (SELECT crm_fit_bg_bb(frequency, recency, periods, weight) m FROM donations) b, ggfit g,
     LATERAL crm_clv_interval(b.m, g.m, 3, 4, 6, 30, 5) i;
SELECT check_error(format('SELECT crm_clv_interval(%L::crm_bg_nbd, %L::crm_gamma_gamma, 2, 30, 38, 20)', m, pg_temp.ggm(gp, NULL)), '22023',
                   'crm_clv_interval: spend.covariance is empty (NULL: the model has no covariance of its parameters, which an interval '
                   'needs (crm_fit_* gives it, except on a boundary without one))')
FROM at_p, clv_models;
SELECT check_error(format('SELECT crm_clv_interval(%L::crm_bg_nbd, %L::crm_gamma_gamma, 2, 30, 38, 20, 0)', at_p.m, g.m), '22023',
                   'crm_clv_interval: periods is out of range (must be >= 1)')
FROM at_p, ggfit g;

-- Contractual models: S(t) and r(t) with their intervals (logit scale). The sBG fit of the "regular"
-- segment (38_contractual.sql) by hand: the gradient of crm_survival(m, 3) in (ln alpha, ln beta) by
-- central differences (step 1e-5), se = sqrt(g' C_u g), expit(logit S -+ z se / (S (1 - S)))
CREATE FUNCTION pg_temp.sbgm(p float8[]) RETURNS crm_sbg LANGUAGE sql
  AS $$ SELECT row(p[1], p[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg $$;
CREATE TEMP TABLE regular AS SELECT crm_fit_sbg('{1000, 631, 468, 382, 326, 289, 262, 241}') AS m, crm_fit_bdw('{1000, 631, 468, 382, 326, 289, 262, 241}') AS w;
CREATE TEMP TABLE sbg_hand AS
  SELECT v, sqrt(se2) AS se
  FROM (SELECT crm_survival(m, 3) AS v,
               (SELECT sum(gi.g * gj.g * (m).covariance[gi.k][gj.k] / (p[gi.k] * p[gj.k]))
                FROM (SELECT k, (crm_survival(pg_temp.sbgm(pg_temp.shifted(p, k, 1e-5)), 3)
                                 - crm_survival(pg_temp.sbgm(pg_temp.shifted(p, k, -1e-5)), 3)) / 2e-5 AS g
                      FROM generate_series(1, 2) k) gi,
                     (SELECT k, (crm_survival(pg_temp.sbgm(pg_temp.shifted(p, k, 1e-5)), 3)
                                 - crm_survival(pg_temp.sbgm(pg_temp.shifted(p, k, -1e-5)), 3)) / 2e-5 AS g
                      FROM generate_series(1, 2) k) gj) AS se2
        FROM (SELECT m, ARRAY[(m).alpha, (m).beta] AS p FROM regular) r) x;
SELECT check_that(abs((i).point / v - 1) < 1e-13
                  AND abs((i).lower - 1 / (1 + exp(-(ln(v / (1 - v)) - 1.6448536269514722 * se / (v * (1 - v)))))) < 1e-8
                  AND abs((i).upper - 1 / (1 + exp(-(ln(v / (1 - v)) + 1.6448536269514722 * se / (v * (1 - v)))))) < 1e-8,
                  'sBG S(3) interval is the hand arithmetic ' || i::text || ' se ' || se)
FROM sbg_hand, (SELECT crm_survival_interval(m, 3) i FROM regular) x;
SELECT check_that((i).point = crm_retention_rate(w, 3) AND (i).lower < (i).point AND (i).point < (i).upper
                  AND (s).point = crm_survival(w, 5) AND (s).lower < (s).point AND (s).point < (s).upper
                  AND b = crm_survival_interval(w, 5, 0.9, 'bootstrap') AND (b).lower < (b).upper,
                  'BdW r(3), S(5) intervals ' || i::text || s::text || b::text)
FROM (SELECT w, crm_retention_rate_interval(w, 3) i, crm_survival_interval(w, 5) s, crm_survival_interval(w, 5, 0.9, 'bootstrap') b
      FROM regular) x;
-- sBG at homogeneous churn (the geometric cohort of 36_boundary.sql: theta = 522/5216, Var = theta (1 - theta)/5216,
-- c = 1 held): by hand S(3) = (1 - theta)^3, d S / d ln theta = -3 theta (1 - theta)^2, so se = 3 (1 - theta)^2 sqrt(Var);
-- r(3) = 1 - theta, se = theta sqrt(Var) / theta = sqrt(Var)
CREATE TEMP TABLE geo AS
  SELECT m, 522.0 / 5216 AS th, (522.0 / 5216) * (4694.0 / 5216) / 5216 AS var
  FROM (SELECT crm_fit_sbg('{1000, 900, 810, 729, 656, 590, 531, 478}') AS m) f;
SELECT check_that(array_dims((m).covariance) = '[1:1][1:1]' AND abs((m).covariance[1][1] / var - 1) < 1e-9
                  AND abs((s).point / (1 - th) ^ 3 - 1) < 1e-13
                  AND abs((s).lower - 1 / (1 + exp(-(ln((1 - th) ^ 3 / (1 - (1 - th) ^ 3)) - 1.6448536269514722 * 3 * (1 - th) ^ 2 * sqrt(var)
                                                                                          / ((1 - th) ^ 3 * (1 - (1 - th) ^ 3)))))) < 1e-9
                  AND abs((s).upper - 1 / (1 + exp(-(ln((1 - th) ^ 3 / (1 - (1 - th) ^ 3)) + 1.6448536269514722 * 3 * (1 - th) ^ 2 * sqrt(var)
                                                                                          / ((1 - th) ^ 3 * (1 - (1 - th) ^ 3)))))) < 1e-9
                  AND abs((r).point / (1 - th) - 1) < 1e-13
                  AND abs((r).lower - 1 / (1 + exp(-(ln((1 - th) / th) - 1.6448536269514722 * sqrt(var) / (th * (1 - th)))))) < 1e-9
                  AND abs((r).upper - 1 / (1 + exp(-(ln((1 - th) / th) + 1.6448536269514722 * sqrt(var) / (th * (1 - th)))))) < 1e-9,
                  'sBG at homogeneous churn: the geometric''s intervals by hand ' || s::text || r::text)
FROM (SELECT m, th, var, crm_survival_interval(m, 3) s, crm_retention_rate_interval(m, 3) r FROM geo) x;
-- The other contract values with their intervals (since 2026-12-06; crm_contract_interval, the library's
-- crm::try_prediction_interval of the same value): DERL of the "regular" sBG (4 renewals, 10 %) by hand as
-- S(3) above, on the log scale v exp(-+ z se / v)
CREATE TEMP TABLE derl_grad AS
  SELECT k, (crm_discounted_expected_residual_lifetime(pg_temp.sbgm(pg_temp.shifted(p, k, 1e-5)), 4, 0.1)
             - crm_discounted_expected_residual_lifetime(pg_temp.sbgm(pg_temp.shifted(p, k, -1e-5)), 4, 0.1)) / 2e-5 AS g
  FROM (SELECT ARRAY[(m).alpha, (m).beta] AS p FROM regular) r, generate_series(1, 2) k;
CREATE TEMP TABLE derl_hand AS
  SELECT crm_discounted_expected_residual_lifetime(m, 4, 0.1) AS v,
         sqrt((SELECT sum(gi.g * gj.g * (m).covariance[gi.k][gj.k] / (p[gi.k] * p[gj.k])) FROM derl_grad gi, derl_grad gj)) AS se
  FROM (SELECT m, ARRAY[(m).alpha, (m).beta] AS p FROM regular) r;
SELECT check_that((i).point = v AND abs((i).lower / (v * exp(-1.6448536269514722 * se / v)) - 1) < 1e-8
                  AND abs((i).upper / (v * exp(1.6448536269514722 * se / v)) - 1) < 1e-8 AND (i).level = 0.9,
                  'sBG DERL interval is the hand arithmetic ' || i::text || ' se ' || se)
FROM derl_hand, (SELECT crm_discounted_expected_residual_lifetime_interval(m, 4, 0.1) i FROM regular) x;
-- each point is the value function's, bit for bit, inside its bounds; the residual lifetime value is margin x DERL,
-- and so is its interval; the bootstrap gives the same interval every time; BdW's too
SELECT check_that((c).point = crm_churn_probability(m, 4) AND (c).lower < (c).point AND (c).point < (c).upper AND (c).upper < 1
                  AND (l).point = crm_discounted_expected_lifetime(m, 0.1) AND (l).lower < (l).point AND (l).point < (l).upper
                  AND (v).point = crm_residual_lifetime_value(m, 4, 0.1, 100)
                  AND abs((v).lower / (100 * (d).lower) - 1) < 1e-12 AND abs((v).upper / (100 * (d).upper) - 1) < 1e-12
                  AND b = crm_discounted_expected_residual_lifetime_interval(m, 4, 0.1, 0.9, 'bootstrap') AND (b).lower < (b).upper
                  AND (w4).point = crm_discounted_expected_residual_lifetime(w, 4, 0.1) AND (w4).lower < (w4).point AND (w4).point < (w4).upper,
                  'sBG P(T = 4), DEL, residual lifetime value and BdW DERL intervals ' || c::text || l::text || v::text || b::text || w4::text)
FROM (SELECT m, w, crm_churn_probability_interval(m, 4) c, crm_discounted_expected_lifetime_interval(m, 0.1) l,
             crm_residual_lifetime_value_interval(m, 4, 0.1, 100) v, crm_discounted_expected_residual_lifetime_interval(m, 4, 0.1) d,
             crm_discounted_expected_residual_lifetime_interval(m, 4, 0.1, 0.9, 'bootstrap') b,
             crm_discounted_expected_residual_lifetime_interval(w, 4, 0.1) w4
      FROM regular) x;
-- the geometric at sBG's homogeneous churn by hand: E[T] = 1/theta, se of its log sqrt(Var)/theta; DEL(d) =
-- (1 + d)/(d + theta), se of its log sqrt(Var)/(d + theta)
SELECT check_that(abs((e).point * th - 1) < 1e-13
                  AND abs((e).lower / ((1 / th) * exp(-1.6448536269514722 * sqrt(var) / th)) - 1) < 1e-9
                  AND abs((e).upper / ((1 / th) * exp(1.6448536269514722 * sqrt(var) / th)) - 1) < 1e-9
                  AND abs((l).point / (1.1 / (0.1 + th)) - 1) < 1e-13
                  AND abs((l).lower / ((1.1 / (0.1 + th)) * exp(-1.6448536269514722 * sqrt(var) / (0.1 + th))) - 1) < 1e-9
                  AND abs((l).upper / ((1.1 / (0.1 + th)) * exp(1.6448536269514722 * sqrt(var) / (0.1 + th))) - 1) < 1e-9,
                  'sBG at homogeneous churn: the geometric''s E[T] and DEL intervals by hand ' || e::text || l::text)
FROM (SELECT th, var, crm_expected_lifetime_interval(m) e, crm_discounted_expected_lifetime_interval(m, 0.1) l FROM geo) x;
-- BG/BB's DERT (the donations fit; customer (3, 4, 6), 10 %): the point is the prediction's, inside its bounds
SELECT check_that((i).point = crm_bg_bb_discounted_expected_residual_transactions(m, 3, 4, 6, 0.1) AND (i).lower < (i).point
                  AND (i).point < (i).upper AND b = crm_bg_bb_discounted_expected_residual_transactions_interval(m, 3, 4, 6, 0.1, 0.9, 'bootstrap'),
                  'BG/BB DERT interval ' || i::text || b::text)
FROM (SELECT m, crm_bg_bb_discounted_expected_residual_transactions_interval(m, 3, 4, 6, 0.1) i,
             crm_bg_bb_discounted_expected_residual_transactions_interval(m, 3, 4, 6, 0.1, 0.9, 'bootstrap') b
      FROM (SELECT crm_fit_bg_bb(frequency, recency, periods, weight) m FROM donations) f) x;
SELECT check_error(format('SELECT crm_expected_lifetime_interval(%L::crm_sbg)', m), '22023',
                   'crm_expected_lifetime_interval: alpha is out of range (the expected lifetime is infinite unless alpha > 1)') FROM regular;
SELECT check_error(format('SELECT crm_discounted_expected_lifetime_interval(%L::crm_bdw, 0)', w), '22023',
                   'crm_discounted_expected_lifetime_interval: discount_rate is out of range (must be > 0 (without discounting use expected_lifetime))')
FROM regular;
SELECT check_error(format('SELECT crm_churn_probability_interval(%L::crm_sbg, 0)', m), '22023',
                   'crm_churn_probability_interval: t is out of range (must be >= 1)') FROM regular;
SELECT check_error(format('SELECT crm_residual_lifetime_value_interval(%L::crm_sbg, 4, 0.1, -1)', m), '22023',
                   'crm_residual_lifetime_value_interval: margin is negative') FROM regular;
SELECT check_error(format('SELECT crm_contract_interval(%L::crm_sbg, 9, 1, 0.1, 1, 0.9, ''delta'')', m), '22023',
                   'crm_contract_interval: what is out of range (must be 0 to 7, as listed in the sql file)') FROM regular;
SELECT check_error($$SELECT crm_discounted_expected_residual_lifetime_interval((0.7, 1.2, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg, 4, 0.1)$$,
                   '22023', 'crm_discounted_expected_residual_lifetime_interval: covariance is empty (NULL: the model has no covariance of its '
                            'parameters, which an interval needs (crm_fit_* gives it, except on a boundary without one))');
SELECT check_error('SELECT crm_bg_bb_discounted_expected_residual_transactions_interval(m, 3, 4, 6, -0.1) '
                   'FROM (SELECT crm_fit_bg_bb(frequency, recency, periods, weight) m FROM donations) f', '22023',
                   'crm_bg_bb_discounted_expected_residual_transactions_interval: discount_rate is out of range (must be > 0)');
SELECT check_error(format('SELECT crm_survival_interval(%L::crm_sbg, -1)', m), '22023', 'crm_survival_interval: t is negative') FROM regular;
SELECT check_error($$SELECT crm_retention_rate_interval((0.7, 1.2, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg, 3)$$, '22023',
                   'crm_retention_rate_interval: covariance is empty (NULL: the model has no covariance of its parameters, which an '
                   'interval needs (crm_fit_* gives it, except on a boundary without one))');

-- The whole base's predictions with their intervals (since 2026-12-06; the total of the library's whole-base
-- intervals over a state's rows, the correlation through the parameters included). At P with mpmath's
-- covariance the expected purchases of the 2357 CDNOW customers in the next 39 weeks are mpmath's ("sum of
-- conditional_expected_purchases", tests/model_intervals_test.cpp: 1653.42305363 [1535.5418281,
-- 1780.35384269]); the state compresses identical rows, and its total is the sum of the per-customer
-- predictions; an RFM state of the orders to 1997-09-30 (exact ages, where the summary file rounds to two
-- decimals) gives nearly the same
CREATE TEMP TABLE cdnow_rows AS SELECT crm_fit_state(x, t_x, big_t) AS s FROM cdnow_summary;
SELECT check_that(abs((b).point / 1653.42305363 - 1) < 1e-10 AND abs((b).lower / 1535.5418281 - 1) < 1e-8
                  AND abs((b).upper / 1780.35384269 - 1) < 1e-8 AND (b).level = 0.9,
                  'the whole base''s expected purchases: mpmath''s interval ' || b::text)
FROM (SELECT crm_bg_nbd_expected_base_purchases_interval(m, s, 39) b FROM at_p, cdnow_rows) x;
SELECT check_that(abs((a).point / sum_alive - 1) < 1e-12 AND (a).lower < (a).point AND (a).point < (a).upper AND (a).upper < 2357
                  AND abs((e).point / sum_expected - 1) < 1e-12 AND (e).lower < (e).point AND (e).point < (e).upper
                  AND abs((r).point / (e).point - 1) < 1e-3 AND abs((r).upper / (e).upper - 1) < 1e-3
                  AND bt = crm_bg_nbd_expected_active_customers_interval(m, s, 0.8, 'bootstrap') AND (bt).lower < (bt).upper,
                  'the whole base''s BG/NBD predictions: the sums of the customers'' ' || a::text || e::text || r::text || bt::text)
FROM (SELECT m, s, crm_bg_nbd_expected_active_customers_interval(m, s) a, crm_bg_nbd_expected_base_purchases_interval(m, s, 39) e,
             crm_bg_nbd_expected_active_customers_interval(m, s, 0.8, 'bootstrap') bt,
             crm_bg_nbd_expected_base_purchases_interval(m, (SELECT crm_rfm_state(customer, day, amount, '1997-09-30', 7) FROM cdnow
                                                             WHERE day <= '1997-09-30'), 39) r,
             (SELECT sum(crm_bg_nbd_p_alive(m, x, t_x, big_t)) FROM cdnow_summary) sum_alive,
             (SELECT sum(crm_bg_nbd_expected_purchases(m, x, t_x, big_t, 39)) FROM cdnow_summary) sum_expected
      FROM fit, cdnow_rows) x;
SELECT check_that(abs((a).point / (SELECT sum(crm_pareto_nbd_p_alive(m, x, t_x, big_t)) FROM cdnow_summary) - 1) < 1e-12
                  AND (a).lower < (a).point AND (a).point < (a).upper
                  AND abs((e).point / (SELECT sum(crm_pareto_nbd_expected_purchases(m, x, t_x, big_t, 39)) FROM cdnow_summary) - 1) < 1e-12
                  AND (e).lower < (e).point AND (e).point < (e).upper,
                  'the whole base''s Pareto/NBD predictions ' || a::text || e::text)
FROM (SELECT m, crm_pareto_nbd_expected_active_customers_interval(m, s) a, crm_pareto_nbd_expected_base_purchases_interval(m, s, 39) e
      FROM pfit, cdnow_rows) x;
-- The whole base's CLV (crm_clv_base_interval: every customer of an RFM state, 12 periods of 4.345 weeks, 1 %,
-- margin 0.3): the sum of crm_clv over the state's customers (their average spend 0 without repeat purchases),
-- inside its bounds; the same from Pareto/NBD
CREATE TEMP TABLE cdnow_state AS
  SELECT crm_rfm_state(customer, day, amount, '1997-09-30', 7) AS s FROM cdnow WHERE day <= '1997-09-30';
CREATE TEMP TABLE cdnow_rfm AS
  SELECT crm_rfm(customer, day, amount, '1997-09-30', 7) AS r FROM cdnow WHERE day <= '1997-09-30' GROUP BY customer;
SELECT check_that(abs((b).point / (SELECT sum(crm_clv(f.m, g.m, (r).frequency, (r).recency, (r)."T",
                                                      CASE WHEN (r).frequency > 0 THEN (r).monetary_value ELSE 0 END, 12, 4.345, 0.01, 0.3))
                                   FROM cdnow_rfm) - 1) < 1e-12
                  AND (b).lower < (b).point AND (b).point < (b).upper AND (b).level = 0.9
                  AND abs((p).point / (SELECT sum(crm_clv(pf.m, g.m, (r).frequency, (r).recency, (r)."T",
                                                          CASE WHEN (r).frequency > 0 THEN (r).monetary_value ELSE 0 END, 12, 4.345, 0.01, 0.3))
                                       FROM cdnow_rfm) - 1) < 1e-12
                  AND (p).lower < (p).point AND (p).point < (p).upper,
                  'the whole base''s CLV: the sum of the customers'' ' || b::text || p::text)
FROM fit f, pfit pf, ggfit g, cdnow_state c,
     LATERAL (SELECT crm_clv_base_interval(f.m, g.m, c.s, 12, 4.345, 0.01, 0.3) b, crm_clv_base_interval(pf.m, g.m, c.s, 12, 4.345, 0.01, 0.3) p) x;
-- a repeat customer whose repeat purchases were all free: refused, not left out
SELECT check_error(format('SELECT crm_clv_base_interval(%L::crm_bg_nbd, %L::crm_gamma_gamma, '
                          '(SELECT crm_rfm_state(c, d, a, ''2020-12-31'', 7) FROM (VALUES (1, date ''2020-01-01'', 10.0), '
                          '(1, date ''2020-02-01'', 0.0), (2, date ''2020-01-05'', 5.0)) v(c, d, a)))', f.m, g.m), '22023',
                   'crm_clv_base_interval: monetary_value is out of range (1 repeat customers of the state made only free repeat purchases: '
                   'an average spend of 0, which the spend model refuses)')
FROM fit f, ggfit g;
-- BG/BB on the donations' 11,104 donors (rows with weights)
SELECT check_that(abs((a).point / (SELECT sum(weight * crm_bg_bb_p_alive(m, frequency, recency, periods)) FROM donations) - 1) < 1e-12
                  AND (a).lower < (a).point AND (a).point < (a).upper
                  AND abs((e).point / (SELECT sum(weight * crm_bg_bb_expected_purchases(m, frequency, recency, periods, 5)) FROM donations) - 1) < 1e-12
                  AND (e).lower < (e).point AND (e).point < (e).upper,
                  'the whole base''s BG/BB predictions ' || a::text || e::text)
FROM (SELECT m, crm_bg_bb_expected_active_customers_interval(m, s) a, crm_bg_bb_expected_base_purchases_interval(m, s, 5) e
      FROM (SELECT crm_fit_bg_bb(frequency, recency, periods, weight) m, crm_fit_state(frequency, recency, periods, weight) s FROM donations) f) x;
SELECT check_error('SELECT crm_bg_bb_expected_active_customers_interval(m, (SELECT crm_rfm_state(customer, day, amount, ''1997-09-30'', 7) '
                   'FROM cdnow WHERE day <= ''1997-09-30'')) FROM (SELECT crm_fit_bg_bb(frequency, recency, periods, weight) m FROM donations) f',
                   '22P02', 'crm_metrics: state names another kind of accumulator (kind field)');
SELECT check_error(format('SELECT crm_bg_nbd_expected_base_purchases_interval((0.24, 4.4, 0.79, 2.4, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, '
                          'NULL, NULL, NULL, NULL)::crm_bg_nbd, %L::bytea, 39)', s), '22023',
                   'crm_bg_nbd_expected_base_purchases_interval: covariance is empty (NULL: the model has no covariance of its parameters, '
                   'which an interval needs (crm_fit_* gives it, except on a boundary without one))')
FROM cdnow_rows;

-- (c) errors: a model without covariance, a bad level or method, a covariance of the wrong shape, a
-- boundary without a nested model; a NULL argument gives NULL
SELECT check_error($$SELECT crm_bg_nbd_p_alive_interval((0.24, 4.4, 0.79, 2.4, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_nbd, 2, 30, 38)$$,
                   '22023', 'crm_bg_nbd_p_alive_interval: covariance is empty (NULL: the model has no covariance of its parameters, which an '
                            'interval needs (crm_fit_* gives it, except on a boundary without one))');
SELECT check_error($$SELECT crm_gamma_gamma_expected_spend_interval((6.25, 3.74, 15.44, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_gamma_gamma, 2, 20)$$,
                   '22023', 'crm_gamma_gamma_expected_spend_interval: covariance is empty (NULL: the model has no covariance of its parameters, '
                            'which an interval needs (crm_fit_* gives it, except on a boundary without one))');
SELECT check_error(format('SELECT crm_bg_nbd_p_alive_interval(%L::crm_bg_nbd, 2, 30, 38, %s)', m, l), '22023',
                   'crm_bg_nbd_p_alive_interval: level is out of range (must lie strictly between 0 and 1)')
FROM at_p, unnest(ARRAY['0', '1', '-0.5', '1.5']) l;
SELECT check_error(format('SELECT crm_bg_nbd_expected_purchases_interval(%L::crm_bg_nbd, 2, 30, 38, 10, ''NaN'')', m), '22023',
                   'crm_bg_nbd_expected_purchases_interval: level is not finite (NaN or infinity)') FROM at_p;
SELECT check_error(format('SELECT crm_bg_nbd_p_alive_interval(%L::crm_bg_nbd, 2, 30, 38, 0.9, ''jackknife'')', m), '22023',
                   'crm_bg_nbd_p_alive_interval: method must be delta or bootstrap, not "jackknife"') FROM at_p;
SELECT check_error($$SELECT crm_bg_nbd_p_alive_interval((0.24, 4.4, 0.79, 2.4, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, '{{1, 0}, {0, 1}}')::crm_bg_nbd, 2, 30, 38)$$,
                   '22023', 'crm_bg_nbd_p_alive_interval: covariance is out of range (must be a square matrix with one row per estimated parameter of the model)');
SELECT check_error($$SELECT crm_bg_nbd_p_alive_interval((0.24, 4.4, 0.79, 2.4, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, '{1, 0, 0, 1}')::crm_bg_nbd, 2, 30, 38)$$,
                   '22023', 'crm_bg_nbd_p_alive_interval: covariance must be a square matrix (float8[][]) of at most 4 rows');
SELECT check_error($$SELECT crm_bg_nbd_p_alive_interval((0.24, 4.4, 0.79, 2.4, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL,
                                                         '{{1, 2, 0, 0}, {2, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}')::crm_bg_nbd, 2, 30, 38)$$,
                   '22023', 'crm_bg_nbd_p_alive_interval: covariance is out of range (must be positive definite)');
-- (a b_to_zero composite without a covariance: its limit's model predicts, but no interval; 0A000 before 2026-12-06)
SELECT check_error($$SELECT crm_bg_nbd_p_alive_interval((0.5, 5, NULL, 0, NULL, NULL, NULL, NULL, -10, 10, 5, 'b_to_zero', 1, NULL, 0, 1, NULL)::crm_bg_nbd, 1, 3, 4)$$,
                   '22023');
SELECT check_that(crm_bg_nbd_p_alive_interval(m, 2, 30, 38, NULL) IS NULL AND crm_bg_nbd_p_alive_interval(m, NULL, 30, 38) IS NULL,
                  'NULL arguments give NULL') FROM at_p;

-- docs/postgresql.md's example of a model built by hand (Gamma-Gamma's CDNOW fit, its covariance rounded)
SELECT check_that((i).point = crm_gamma_gamma_expected_spend(m, 2, 20) AND (i).lower < (i).point AND (i).point < (i).upper,
                  'a Gamma-Gamma composite built by hand ' || i::text)
FROM (SELECT m, crm_gamma_gamma_expected_spend_interval(m, 2, 20) i
      FROM (SELECT (6.25, 3.74, 15.44, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                    '{{1.416, -0.232, -4.803}, {-0.232, 0.08418, 0.992}, {-4.803, 0.992, 17.3}}')::crm_gamma_gamma m) c) x;
