-- Contractual retention: crm_fit_sbg / crm_fit_bdw and the predictions of crm::sbg and crm::bdw.
-- Data: Fader & Hardie (2007), "How to Project Customer Retention", survivors of two cohorts of
-- 1000 at years 0-12 (the "regular" and "high end" segments), fitted on years 0-7.
-- References: the independent SciPy fits and quadratures of scripts/contractual_reference.py, as
-- recorded in tests/contractual_test.cpp (lines "sBG regular", "BdW regular", "sBG high end",
-- "BdW high end"), and the closed forms r(t) = (beta + t - 1)/(alpha + beta + t - 1) and
-- E[lifetime] = (alpha + beta - 1)/(alpha - 1) (sBG, alpha > 1).
CREATE TEMP TABLE segments (name text, survivors bigint[], alpha float8, alpha_se float8, beta float8, beta_se float8, ll float8,
                            projected float8[], del10 float8, derl10 float8[],
                            w_alpha float8, w_beta float8, w_c float8, w_ll float8, w_projected float8[], w_derl10 float8[]);
INSERT INTO segments VALUES
  ('regular', '{1000, 631, 468, 382, 326, 289, 262, 241}', 0.7040773179, 0.065599, 1.1820430673, 0.152476, -1680.2651884633,
   '{1000.000000, 626.706056, 473.819322, 387.973953, 332.067909, 292.347097, 262.455816, 239.023611, 220.084964,
     204.410784, 191.190188, 179.864989, 170.037450}', 3.694908407531, '{2.964399248284, 5.894095291500, 6.842314879929}',
   0.4556139593, 0.7793254599, 1.2834513469, -1679.6028329072,
   '{1000.000000, 631.063717, 467.445330, 381.544477, 327.704408, 290.269731, 262.447159, 240.790595, 223.353173,
     208.945422, 196.796105, 186.381285, 177.331398}', '{3.002049540483, 6.185595589784}'),
  ('high end', '{1000, 869, 743, 653, 593, 551, 517, 491}', 0.6680883405, 0.103735, 3.8060948773, 0.785531, -1611.1581473912,
   '{1000.000000, 850.679262, 746.859409, 669.788982, 609.919135, 561.834281, 522.215569, 488.906420, 460.439672,
     435.779591, 414.172399, 395.055344, 377.999073}', 5.922253499330, '{5.414478849263, 6.896706704143, 7.529628080959}',
   0.2142533414, 1.4265749086, 1.7235648447, -1605.3142132142,
   '{1000.000000, 869.423664, 740.365194, 655.288650, 596.161692, 552.329892, 518.200128, 490.637065, 467.752373,
     448.337908, 431.581740, 416.915876, 403.929591}', '{5.602391457729, 7.540630347156}');

-- fits: parameters to 1e-6 (sBG) and 1e-5 (BdW) relative, log-likelihood to 1e-6, SEs to 1e-4
SELECT check_that(abs(f.alpha / s.alpha - 1) < 1e-6 AND abs(f.beta / s.beta - 1) < 1e-6 AND abs(f.log_likelihood - s.ll) < 1e-6
                  AND abs(f.se_alpha / s.alpha_se - 1) < 1e-4 AND abs(f.se_beta / s.beta_se - 1) < 1e-4
                  AND f.customers = 1000 AND f.iterations > 0, 'sBG fit, ' || s.name)
FROM segments s, LATERAL crm_fit_sbg(s.survivors) f;
SELECT check_that(abs(w.alpha / s.w_alpha - 1) < 1e-5 AND abs(w.beta / s.w_beta - 1) < 1e-5 AND abs(w.c / s.w_c - 1) < 1e-5
                  AND abs(w.log_likelihood - s.w_ll) < 1e-6 AND w.log_likelihood >= s.ll, 'BdW fit, ' || s.name)
FROM segments s, LATERAL crm_fit_bdw(s.survivors) w;

-- several cohorts observed for different numbers of periods, one per row of a 2-D array, the rest of
-- a shorter row NULL: regular years 0-7 and high end years 0-4 (SciPy, "sBG two cohorts" and "BdW two
-- cohorts": 0.7015509494, 2.0821263473, LL -3003.9516690560, SEs 0.068689, 0.267327; BdW
-- 0.5701144717, 1.7075101594, 1.0843442382, LL -3003.7951635651); the order of the rows does not matter
SELECT check_that(abs(f.alpha / 0.7015509494 - 1) < 1e-6 AND abs(f.beta / 2.0821263473 - 1) < 1e-6
                  AND abs(f.log_likelihood + 3003.9516690560) < 1e-6 AND f.customers = 2000
                  AND abs(f.se_alpha / 0.068689 - 1) < 1e-4 AND abs(f.se_beta / 0.267327 - 1) < 1e-4
                  AND abs(w.alpha / 0.5701144717 - 1) < 1e-5 AND abs(w.beta / 1.7075101594 - 1) < 1e-5
                  AND abs(w.c / 1.0843442382 - 1) < 1e-5 AND abs(w.log_likelihood + 3003.7951635651) < 1e-6
                  AND abs(g.alpha / f.alpha - 1) < 1e-9, 'sBG and BdW fits of two cohorts')
FROM crm_fit_sbg('{{1000, 631, 468, 382, 326, 289, 262, 241}, {1000, 869, 743, 653, 593, NULL, NULL, NULL}}') f,
     crm_fit_bdw('{{1000, 631, 468, 382, 326, 289, 262, 241}, {1000, 869, 743, 653, 593, NULL, NULL, NULL}}') w,
     crm_fit_sbg('{{1000, 869, 743, 653, 593, NULL, NULL, NULL}, {1000, 631, 468, 382, 326, 289, 262, 241}}') g;

-- predictions at the reference parameters: 1000 S(t) for t = 0..12, DEL(0.1), DERL(0.1 | 0, 4, 7
-- renewals), the residual lifetime value = margin x DERL
CREATE TEMP TABLE models AS
  SELECT s.*, row(s.alpha, s.beta, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg AS m, row(s.w_alpha, s.w_beta, s.w_c, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bdw AS w
  FROM segments s;
SELECT check_that(bool_and(abs(1000 * crm_survival(m, t) / projected[t + 1] - 1) < 1e-8
                           AND abs(1000 * crm_survival(w, t) / w_projected[t + 1] - 1) < 1e-8), 'S(t), t = 0..12')
FROM models, generate_series(0, 12) t;
SELECT check_that(abs(crm_discounted_expected_lifetime(m, 0.1) / del10 - 1) < 1e-10
                  AND abs(crm_discounted_expected_residual_lifetime(m, 0, 0.1) / derl10[1] - 1) < 1e-10
                  AND abs(crm_discounted_expected_residual_lifetime(m, 4, 0.1) / derl10[2] - 1) < 1e-10
                  AND abs(crm_discounted_expected_residual_lifetime(m, 7, 0.1) / derl10[3] - 1) < 1e-10
                  AND abs(crm_residual_lifetime_value(m, 4, 0.1, 100) / (100 * derl10[2]) - 1) < 1e-10
                  AND abs(crm_discounted_expected_residual_lifetime(w, 0, 0.1) / w_derl10[1] - 1) < 1e-9
                  AND abs(crm_discounted_expected_residual_lifetime(w, 4, 0.1) / w_derl10[2] - 1) < 1e-9, 'DEL, DERL, RLV, ' || name)
FROM models;
-- the regular segment's RLV after 4 renewals at 10 % and margin 100: 589.41 (tests/contractual_test.cpp)
SELECT check_that(abs(crm_residual_lifetime_value(m, 4, 0.1, 100) - 589.41) < 0.005, 'RLV 589.41') FROM models WHERE name = 'regular';
-- the example of docs/postgresql.md: RLV at the fitted parameters
SELECT check_that(round(crm_residual_lifetime_value(m, 4, 0.1, 100)::numeric, 2) = 589.41, 'RLV of the fitted model')
FROM (SELECT crm_fit_sbg('{1000, 631, 468, 382, 326, 289, 262, 241}') m) x;
-- closed forms: r(t), S(t) = S(t-1) r(t), P(T = t) = S(t-1) - S(t), E[lifetime] of Beta(3, 5) = 3.5
SELECT check_that(bool_and(abs(crm_retention_rate(m, t) / (((m).beta + t - 1) / ((m).alpha + (m).beta + t - 1)) - 1) < 1e-12
                           AND abs(crm_survival(m, t) - crm_survival(m, t - 1) * crm_retention_rate(m, t)) < 1e-12
                           AND abs(crm_churn_probability(m, t) - (crm_survival(m, t - 1) - crm_survival(m, t))) < 1e-12),
                  'sBG closed forms')
FROM models, generate_series(1, 30) t;
SELECT check_that(abs(crm_expected_lifetime(row(3, 5, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg) - 3.5) < 1e-13, 'sBG expected lifetime (alpha + beta - 1)/(alpha - 1)');
-- SciPy quadrature (tests/contractual_test.cpp): BdW(0.7, 1.2, 0.8): S(5) and the sum of S(t), t < 10
SELECT check_that(abs(crm_survival(w, 5) / 0.355694760572606 - 1) < 1e-11 AND abs(crm_expected_lifetime(w, 10) / 4.52139733341198 - 1) < 1e-11,
                  'BdW S(5), lifetime over 10 periods')
FROM (SELECT row(0.7, 1.2, 0.8, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bdw AS w) x;

-- bad input: 22023 with the library's message; NULL arguments give NULL (STRICT)
SELECT check_error($$SELECT crm_fit_sbg('{1000, 1200, 900}')$$, '22023');
SELECT check_error($$SELECT crm_fit_sbg('{1000}')$$, '22023');
SELECT check_error($$SELECT crm_fit_sbg('{1000, NULL, 500}')$$, '22023', 'crm::fit_sbg: survivors has a NULL count before an observed one');
SELECT check_error($$SELECT crm_fit_bdw('{{1000, 600, 500}, {1000, NULL, 700}}')$$, '22023');
SELECT check_error($$SELECT crm_fit_sbg('{{{1000, 600}}}')$$, '22023');
-- a cohort whose likelihood peaks on a boundary of the parameters gives the boundary's row (36_boundary.sql);
-- one whose supremum the library refuses from the data (nobody churning after period 1) is an error
SELECT check_error($$SELECT crm_fit_sbg('{1000, 600, 600, 600}')$$, '22023');
SELECT check_error($$SELECT crm_survival(row(0, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg, 3)$$, '22023');
SELECT check_error($$SELECT crm_survival(row(1, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg, -1)$$, '22023');
SELECT check_error($$SELECT crm_discounted_expected_lifetime(row(1, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg, -0.1)$$, '22023');
SELECT check_error($$SELECT crm_survival(row(1, 1, -2, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bdw, 3)$$, '22023');
-- the low-level crm_contract_value refuses a code it does not know (99 was answered as 6, the
-- residual lifetime value)
SELECT check_error($$SELECT crm_contract_value(row(1, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg, 99, 3, 0.1, 1)$$, '22023',
                   'crm_contract_value: what is out of range (must be 0 to 7, as listed in the sql file)');
SELECT check_error($$SELECT crm_contract_value(row(1, 1, -2, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bdw, -1, 3, 0.1, 1)$$, '22023');
SELECT check_that(crm_survival(NULL::crm_sbg, 3) IS NULL AND crm_survival(row(1, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg, NULL) IS NULL
                  AND crm_fit_sbg(NULL) IS NULL, 'NULL in, NULL out');
