-- Statistics: intervals and the A/B comparison as composite types. References: the closed forms
-- evaluated in SQL with z = 1.959963984540054 (scipy.stats.norm.ppf(0.975)) and the values quoted in
-- the library's documentation (include/crm/statistics/*.hpp examples).

-- Wilson: (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), on a grid
WITH g AS (SELECT k, n, k::float8 / n AS p, 1.959963984540054::float8 AS z
           FROM generate_series(1, 400, 37) n, generate_series(0, 400, 13) k WHERE k <= n),
     w AS (SELECT g.*, crm_wilson_interval(k, n) AS e FROM g)
SELECT check_that(bool_and(abs((e).lower - (p + z*z/(2*n) - z*sqrt(p*(1-p)/n + z*z/(4.0*n*n))) / (1 + z*z/n)) < 1e-12
                       AND abs((e).upper - (p + z*z/(2*n) + z*sqrt(p*(1-p)/n + z*z/(4.0*n*n))) / (1 + z*z/n)) < 1e-12
                       AND (e).point = p AND (e).level = 0.95), 'wilson grid') FROM w;
-- the documented example: 81 of 263, 30.8% [25.53%, 36.62%]
SELECT check_that(round((e).lower::numeric, 4) = 0.2553 AND round((e).upper::numeric, 4) = 0.3662, 'wilson 81/263')
FROM (SELECT crm_wilson_interval(81, 263) e) s;
SELECT check_that((crm_proportion_interval(81, 263, 0.95, 'clopper_pearson')).lower < (crm_wilson_interval(81, 263)).lower,
                  'clopper-pearson is wider');
SELECT check_error($$SELECT crm_proportion_interval(1, 2, 0.95, 'wald')$$, '22023');
SELECT check_error('SELECT crm_wilson_interval(3, 2)', '22023');
SELECT check_error('SELECT crm_wilson_interval(1, 2, 1.5)', '22023');

-- NPS interval: the documented example 60/25/15 -> 45 [30.5, 59.5]; the Wald form on a grid:
-- SE = 100 sqrt((P + D - (P - D)^2) / n), P, D the shares
SELECT check_that(round((e).point::numeric, 1) = 45 AND round((e).lower::numeric, 1) = 30.5
                  AND round((e).upper::numeric, 1) = 59.5, 'nps interval example')
FROM (SELECT crm_nps_interval(60, 25, 15) e) s;
WITH g AS (SELECT p, q, d, p::float8 / (p + q + d) AS ps, d::float8 / (p + q + d) AS ds, (p + q + d) AS n
           FROM generate_series(5, 60, 11) p, generate_series(0, 30, 6) q, generate_series(5, 60, 13) d)
SELECT check_that(bool_and(abs((crm_nps_interval(p, q, d)).upper
                               - least(100, 100 * (ps - ds) + 1.959963984540054 * 100 * sqrt((ps + ds - (ps - ds)^2) / n))) < 1e-9),
                  'nps interval grid') FROM g;

-- A/B: the documented P(B beats A) 0.9698 for 120/2400 vs 150/2400; the pooled z test in SQL
SELECT check_that(round((r).p_b_beats_a::numeric, 4) = 0.9698, 'p(b beats a)')
FROM (SELECT crm_ab_test(120, 2400, 150, 2400) r) s;
WITH g AS (SELECT a, b, 2400 AS n FROM generate_series(60, 200, 35) a, generate_series(60, 200, 45) b),
     z AS (SELECT a, b, n, (b::float8 / n - a::float8 / n)
                          / sqrt(((a + b)::float8 / (2 * n)) * (1 - (a + b)::float8 / (2 * n)) * (2.0 / n)) AS z FROM g)
SELECT check_that(bool_and(abs((crm_ab_test(a, n, b, n)).z - z) < 1e-9), 'z test grid') FROM z;
SELECT check_that((crm_ab_test(0, 100, 5, 100)).lift IS NULL, 'lift over a zero rate is NULL');
-- no success in either arm (or no failure): z and chi-square are undefined (zero standard error): NULL
-- in their columns, the rest answered (the whole call was an error before 2026-12-04)
SELECT check_that(r.z IS NULL AND r.z_p_value IS NULL AND r.chi_square IS NULL AND r.chi_square_p_value IS NULL
                  AND r.fisher_p_value = 1 AND r.p_b_beats_a = 0.5 AND r.difference = 0, 'a 0 / 0 test: z and X^2 NULL')
FROM (SELECT (crm_ab_test(0, 100, 0, 100)).*) r;
SELECT check_that((crm_ab_test(100, 100, 200, 200)).z IS NULL AND (crm_ab_test(100, 100, 200, 200)).fisher_p_value = 1,
                  'all successes: z NULL');
SELECT check_error('SELECT crm_ab_test(1, 0, 1, 1)', '22023');
