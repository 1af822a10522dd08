-- BG/BB (discrete opportunities): crm_fit_bg_bb, its predictions and its CLV.
-- References (recorded in tests/bg_bb_test.cpp): Fader, Hardie & Shang (2010), the donations data,
-- alpha 1.204, beta 0.750, gamma 0.657, delta 2.783 within 1 %; the independent SciPy fit of the same
-- weighted likelihood (Nelder-Mead then BFGS): 1.20352227, 0.74971632, 0.65671822, 2.78344232,
-- LL -33225.5812743470, standard errors 0.06939106, 0.02944762, 0.05100949, 0.32081665; and the
-- SciPy predictions of scripts/reference_spend_discrete.py at the published parameters: P(alive at
-- opportunity n + 1), expected purchases in the next 5 opportunities, DERT at 10 %.
CREATE TEMP TABLE bb AS SELECT (crm_fit_bg_bb(frequency, recency, periods, weight)).* FROM donations;
SELECT check_that(abs(alpha / 1.204 - 1) < 0.01 AND abs(beta / 0.750 - 1) < 0.01 AND abs(gamma / 0.657 - 1) < 0.01
                  AND abs(delta / 2.783 - 1) < 0.01 AND customers = 11104, 'bg/bb: the published donations fit within 1 %')
FROM bb;
SELECT check_that(abs(alpha / 1.20352227 - 1) < 1e-5 AND abs(beta / 0.74971632 - 1) < 1e-5 AND abs(gamma / 0.65671822 - 1) < 1e-5
                  AND abs(delta / 2.78344232 - 1) < 1e-5 AND abs(log_likelihood / -33225.5812743470 - 1) < 1e-9
                  AND abs(se_alpha / 0.06939106 - 1) < 1e-3 AND abs(se_beta / 0.02944762 - 1) < 1e-3
                  AND abs(se_gamma / 0.05100949 - 1) < 1e-3 AND abs(se_delta / 0.32081665 - 1) < 1e-3, 'bg/bb: the SciPy fit')
FROM bb;
-- the same fit from one row per donor (weights expanded) and from the weighted state merged in parts
SELECT check_that(abs(f.alpha / bb.alpha - 1) < 1e-9 AND abs(f.delta / bb.delta - 1) < 1e-9, 'bg/bb: one row per donor')
FROM bb, (SELECT (crm_fit_bg_bb(frequency, recency, periods)).* FROM donations, generate_series(1, weight::int)) f;
SELECT check_that(abs(f.alpha / bb.alpha - 1) < 1e-12 AND abs(f.log_likelihood - bb.log_likelihood) < 1e-9, 'bg/bb: merged parts')
FROM bb, (SELECT (crm_fit_bg_bb(crm_state_merge(s))).*
          FROM (SELECT crm_fit_state(frequency, recency, periods, weight) s FROM donations GROUP BY frequency % 3) p) f;

CREATE TEMP TABLE bb_refs (x bigint, tx bigint, n bigint, alive float8, next5 float8, dert10 float8);
INSERT INTO bb_refs VALUES
  (0, 0, 6, 0.108016584168674, 0.072802877475043, 0.114646996181764),
  (3, 4, 6, 0.439462857055756, 1.0342284984211, 1.62866077306082),
  (6, 6, 6, 0.930402542372882, 3.75211560759982, 5.90867831955538),
  (1, 1, 6, 0.0694080932065497, 0.0856353983378703, 0.134855125604496),
  (2, 5, 10, 0.313274473166244, 0.385409859449296, 0.632401812417354);
SELECT check_that(bool_and(abs(crm_bg_bb_p_alive(m, x, tx, n) / alive - 1) < 1e-10
                           AND abs(crm_bg_bb_expected_purchases(m, x, tx, n, 5) / next5 - 1) < 1e-10
                           AND abs(crm_bg_bb_discounted_expected_residual_transactions(m, x, tx, n, 0.1) / dert10 - 1) < 1e-10),
                  'bg/bb predictions equal SciPy')
FROM bb_refs, (SELECT row(1.204, 0.750, 0.657, 2.783, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_bb AS m) p;
-- CLV over opportunities: margin x E[spend] x sum over i = 1..H of (E[X(i)] - E[X(i - 1)]) / (1 + d)^i,
-- summed in SQL from the prediction function (as 35_numeric_holdout_clv.sql checks the other models)
SELECT check_that(bool_and(abs(crm_clv(m, gg, x, tx, n, 20, 5, 1, 0.1, 0.3)
                               - 0.3 * crm_gamma_gamma_expected_spend(gg, x, 20)
                                 * (SELECT sum((crm_bg_bb_expected_purchases(m, x, tx, n, i) - crm_bg_bb_expected_purchases(m, x, tx, n, i - 1))
                                               / 1.1 ^ i) FROM generate_series(1, 5) i)) < 1e-9), 'bg/bb CLV')
FROM bb_refs, (SELECT row(1.204, 0.750, 0.657, 2.783, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_bb AS m,
                      row(6.25, 3.74, 15.44, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_gamma_gamma AS gg) p
WHERE x > 0;

-- bad input: 22023
SELECT check_error($$SELECT crm_fit_bg_bb(1.5, 2, 6)$$, '22023');  -- one row: not a whole frequency
SELECT check_error($$SELECT crm_fit_bg_bb(frequency, recency + 0.5, periods) FROM donations$$, '22023');
SELECT check_error($$SELECT crm_fit_bg_bb(frequency, recency, periods, -weight) FROM donations$$, '22023');
SELECT check_error($$SELECT crm_fit_bg_bb(crm_rfm_state(1, '2024-01-01'::date, 1, '2024-12-31', 1))$$, '22P02');
SELECT check_error($$SELECT crm_bg_bb_p_alive(row(1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_bb, 3, 2, 6)$$, '22023');
SELECT check_error($$SELECT crm_bg_bb_p_alive(row(1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_bb, 3, 4, 6, -1)$$, '22023');
SELECT check_error($$SELECT crm_bg_bb_expected_purchases(row(-1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_bb, 3, 4, 6, 5)$$, '22023');
SELECT check_error($$SELECT crm_clv(row(1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_bb, row(6, 4, 15, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_gamma_gamma,
                                    2, 3.5, 6, 10)$$, '22023');
SELECT check_error($$SELECT crm_bg_bb_p_alive(row(1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_bb, 2.5, 4, 6)$$, '22023',
                   'crm_bg_bb_p_alive: frequency is out of range (must be a whole number >= 0 (opportunities))');

-- the weighted form of the other fits: the CDNOW summary compressed to its distinct (x, t_x, T) rows
-- with their counts as weights fits as the 2357 rows do (the state is the same table)
SELECT check_that(abs(w.r / f.r - 1) < 1e-12 AND abs(w.b / f.b - 1) < 1e-12 AND abs(w.log_likelihood - f.log_likelihood) < 1e-9
                  AND w.customers = 2357, 'bg/nbd fit of weighted rows')
FROM (SELECT (crm_fit_bg_nbd(x, t_x, big_t, n::float8)).* FROM (SELECT x, t_x, big_t, count(*) n FROM cdnow_summary GROUP BY 1, 2, 3) c) w,
     (SELECT (crm_fit_bg_nbd(x, t_x, big_t)).* FROM cdnow_summary) f;
SELECT check_that(abs(w.s / f.s - 1) < 1e-12, 'pareto/nbd fit of weighted rows')
FROM (SELECT (crm_fit_pareto_nbd(x, t_x, big_t, n::float8)).* FROM (SELECT x, t_x, big_t, count(*) n FROM cdnow_summary GROUP BY 1, 2, 3) c) w,
     (SELECT (crm_fit_pareto_nbd(x, t_x, big_t)).* FROM cdnow_summary) f;
SELECT check_error($$SELECT crm_fit_bg_nbd(1, 1, 2, 'NaN')$$, '22023');

-- A BG/BB fit whose likelihood is maximised on a boundary: here nobody is seen to drop out (every
-- buyer bought at the last of 6 opportunities), the Beta-Bernoulli (crm::fit_boundary::bb_no_dropout):
-- gamma 0, delta not identified (NULL), theta = lim gamma/(gamma+delta) = 0, alpha and beta the
-- Beta-Bernoulli's. SciPy (PY=$(bash scripts/scipy-env.sh)): maximising sum w (betaln(a+x, b+n-x) -
-- betaln(a, b)) over ln a, ln b by Nelder-Mead then BFGS gives a 0.5187241617, b 0.9453753403,
-- ln L -307.1808564859. Before 2026-12-05 an ERROR (the library had no BG/BB boundary report; then,
-- for a moment, the default policy's error naming the boundary).
CREATE TEMP TABLE bbnd AS
  SELECT crm_fit_bg_bb(x, t, n, w) AS m FROM (VALUES (6, 6, 6, 10), (3, 6, 6, 20), (1, 6, 6, 15), (0, 0, 6, 30), (2, 6, 6, 12),
                                                     (5, 6, 6, 8)) v(x, t, n, w);
SELECT check_that((m).boundary = 'bb_no_dropout' AND (m).gamma = 0 AND (m).delta IS NULL AND (m).theta = 0 AND (m).p IS NULL
                  AND abs((m).alpha / 0.5187241617 - 1) < 1e-6 AND abs((m).beta / 0.9453753403 - 1) < 1e-6
                  AND abs((m).log_likelihood - -307.1808564859) < 1e-8 AND (m).lr_statistic = 0 AND (m).lr_p_value = 1,
                  'bg/bb on the no-drop-out boundary: the Beta-Bernoulli ' || (m)::text) FROM bbnd;
-- its predictions are the Beta-Bernoulli's (crm::beta_bernoulli, theta 0), by hand: P(alive) 1; the
-- next 5 opportunities of a customer with 3 of 6 5 (a + 3)/(a + b + 6); DERT at 10 % (a + 3)/(a + b + 6)/0.1
SELECT check_that(crm_bg_bb_p_alive(m, 3, 6, 6) = 1
                  AND abs(crm_bg_bb_expected_purchases(m, 3, 6, 6, 5) / (5 * ((m).alpha + 3) / ((m).alpha + (m).beta + 6)) - 1) < 1e-13
                  AND abs(crm_bg_bb_discounted_expected_residual_transactions(m, 3, 6, 6, 0.1)
                          / (((m).alpha + 3) / ((m).alpha + (m).beta + 6) / 0.1) - 1) < 1e-13,
                  'bg/bb on the no-drop-out boundary predicts from the Beta-Bernoulli') FROM bbnd;
-- a composite on the homogeneous drop-out boundary, built by hand (alpha 2, beta 3, theta 0.2): a
-- customer with no purchase in 1 opportunity was active at it with probability (1 - theta) b/(a + b) /
-- ((1 - theta) b/(a + b) + theta) = 0.48/0.68, and at the next with (1 - theta) times that (hand arithmetic)
SELECT check_that(abs(crm_bg_bb_p_alive(row(2, 3, 'Infinity', 'Infinity', NULL, NULL, NULL, NULL, 0, 0, 0, 'bb_homogeneous_dropout', 0.2,
                                           NULL, NULL, NULL, 0, 1, NULL)::crm_bg_bb, 0, 0, 1) / (0.8 * 0.48 / 0.68) - 1) < 1e-14,
                  'bg/bb on the homogeneous drop-out boundary predicts from it');
-- a composite on the homogeneous purchase boundary, built by hand (p 0.4, gamma 0.66, delta 2.8), predicts from
-- crm::beta_geometric_bernoulli (before 2026-12-05: 0A000); mpmath (scripts/bg_bb_boundary_reference.py, mp.quad
-- over theta of the individual-level model) for the customer (2, 4, 7): P(alive at 8) 0.49269385832124243,
-- the next 5 opportunities 0.885590260471431, DERT at 10 % 1.4104269581151409
SELECT check_that(abs(crm_bg_bb_p_alive(m, 2, 4, 7) / 0.49269385832124243 - 1) < 1e-13
                  AND abs(crm_bg_bb_expected_purchases(m, 2, 4, 7, 5) / 0.885590260471431 - 1) < 1e-13
                  AND abs(crm_bg_bb_discounted_expected_residual_transactions(m, 2, 4, 7, 0.1) / 1.4104269581151409 - 1) < 1e-13,
                  'bg/bb on the homogeneous purchase boundary predicts from it')
FROM (SELECT row('Infinity', 'Infinity', 0.66, 2.8, NULL, NULL, NULL, NULL, 0, 0, 0, 'bb_homogeneous_purchase',
                 NULL, NULL, 0.4, NULL, 0, 1, NULL)::crm_bg_bb AS m) c;
-- the binomial corner (crm::fit_boundary::bb_binomial): one transaction probability for all, nobody seen to drop
-- out; p = 138/264 (the transactions over the opportunities, by hand), ln L -182.718034403047 (SciPy,
-- tests/bg_bb_boundary_test.cpp); alpha, beta Infinity, gamma 0, delta NULL, theta 0. Its predictions by hand:
-- P(alive) 1, the next 5 opportunities 5 p, DERT at 10 % p/0.1. Before 2026-12-05 an ERROR 22023.
CREATE TEMP TABLE bbbin AS
  SELECT crm_fit_bg_bb(x, t, n, w) AS m FROM (VALUES (2, 5, 6, 10), (3, 6, 6, 12), (4, 6, 6, 10), (3, 5, 6, 9), (5, 6, 6, 3)) v(x, t, n, w);
SELECT check_that((m).boundary = 'bb_binomial' AND (m).alpha = 'Infinity' AND (m).beta = 'Infinity' AND (m).gamma = 0
                  AND (m).delta IS NULL AND (m).theta = 0 AND abs((m).p / (138.0 / 264) - 1) < 1e-14
                  AND abs((m).log_likelihood - -182.718034403047) < 1e-9,
                  'bg/bb at the binomial corner ' || (m)::text) FROM bbbin;
SELECT check_that(crm_bg_bb_p_alive(m, 3, 6, 6) = 1 AND abs(crm_bg_bb_expected_purchases(m, 3, 6, 6, 5) / (5 * 138.0 / 264) - 1) < 1e-14
                  AND abs(crm_bg_bb_discounted_expected_residual_transactions(m, 3, 6, 6, 0.1) / (138.0 / 264 / 0.1) - 1) < 1e-13,
                  'bg/bb at the binomial corner predicts from the binomial') FROM bbbin;
-- the covariance column at these boundaries (docs/postgresql.md, "Prediction intervals"): the Beta-Bernoulli's
-- (alpha, beta), sqrt of its diagonal se_alpha, se_beta; the binomial's (p), by hand p (1 - p) / 264 (the
-- binomial variance over the 264 opportunities). The binomial's interval of the next 5 opportunities'
-- purchases, 5 p, by hand: d(5p)/d ln p = 5 p, se = 5 sqrt(Var p), on the log scale
-- 5 p exp(-+ z se / (5 p)), z = 1.6448536269514722 (gamma 0 and delta 1 are held: no variance)
SELECT check_that(array_dims((m).covariance) = '[1:2][1:2]' AND abs(sqrt((m).covariance[1][1]) / (m).se_alpha - 1) < 1e-12
                  AND abs(sqrt((m).covariance[2][2]) / (m).se_beta - 1) < 1e-12, 'bg/bb no-drop-out covariance') FROM bbnd;
SELECT check_that(array_dims((m).covariance) = '[1:1][1:1]' AND abs((m).covariance[1][1] / ((138.0 / 264) * (126.0 / 264) / 264) - 1) < 1e-12
                  AND abs(sqrt((m).covariance[1][1]) / (m).se_p - 1) < 1e-12, 'bg/bb binomial covariance ' || (m).covariance::text) FROM bbbin;
SELECT check_that(abs((i).point / (5 * 138.0 / 264) - 1) < 1e-14
                  AND abs((i).lower / (5 * 138.0 / 264 * exp(-1.6448536269514722 * sqrt((m).covariance[1][1]) / (138.0 / 264))) - 1) < 1e-9
                  AND abs((i).upper / (5 * 138.0 / 264 * exp(1.6448536269514722 * sqrt((m).covariance[1][1]) / (138.0 / 264))) - 1) < 1e-9,
                  'bg/bb binomial: the interval of the expected purchases by hand ' || i::text)
FROM (SELECT m, crm_bg_bb_expected_purchases_interval(m, 3, 6, 6, 5) i FROM bbbin) x;
