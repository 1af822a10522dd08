-- Formula metrics as SQL functions (float8, numeric through crm::decimal50, bigint counts), their
-- NULL convention (STRICT: a NULL argument gives NULL) and their errors (SQLSTATE 22023, the
-- library's message). Expected values are the seeds' formulas evaluated here in SQL.

-- ROI = (revenue - cost) / cost; the README's example: 150 %.
SELECT check_that(crm_roi(250000::float8, 100000::float8) = 1.5, 'roi float8');
SELECT check_that(crm_roi(250000::numeric, 100000::numeric) = 1.5, 'roi numeric');
-- numeric is exact where float8 is not: (0.3 - 0.1) / 0.1 is 2 in decimal, 1.9999999999999998 in binary.
SELECT check_that(crm_roi(0.3::numeric, 0.1::numeric) = 2, 'roi numeric exact');
-- and prints as docs/postgresql.md shows it: 51 significant digits at most (decimal50's 50 and one
-- more, as the aggregates' numeric results), no trailing zeros (it printed 2.000... with 73 zeros,
-- the guard digits of decimal50)
SELECT check_that(crm_roi(0.3::numeric, 0.1::numeric)::text = '2', 'roi numeric text');
SELECT check_that(crm_roi(0.05::numeric, 0.1::numeric)::text = '-0.5', 'roi numeric text, negative');
SELECT check_that(crm_average_check(100::numeric, 3)::text = '33.' || repeat('3', 49), 'average check numeric text');
SELECT check_that(crm_roi(0.3::float8, 0.1::float8) = (0.3::float8 - 0.1::float8) / 0.1::float8, 'roi float8 rounding');
-- average check: revenue / orders, to the 50 digits of decimal50
SELECT check_that(round(crm_average_check(100.10::numeric, 3), 40) = round(100.10::numeric(60,45) / 3, 40), 'average check numeric');
SELECT check_that(crm_average_check(100.10::float8, 3) = 100.10::float8 / 3, 'average check float8');

-- grids of counts against the seeds' formulas
SELECT check_that(bool_and(crm_retention_rate(s, e, n) = (e - n)::float8 / s), 'retention rate grid')
FROM generate_series(1, 40, 3) s, generate_series(0, 40, 5) e, generate_series(0, 40, 7) n WHERE n <= e AND e - n <= s;
SELECT check_that(bool_and(crm_churn_rate(s, l) = l::float8 / s), 'churn rate grid')
FROM generate_series(1, 60, 7) s, generate_series(0, 60, 4) l WHERE l <= s;
SELECT check_that(bool_and(crm_repeat_purchase_share(r, c) = r::float8 / c), 'repeat purchase share grid')
FROM generate_series(1, 50, 3) c, generate_series(0, 50, 2) r WHERE r <= c;
SELECT check_that(bool_and(crm_conversion_rate(a, n) = a::float8 / n), 'conversion rate grid')
FROM generate_series(1, 1000, 97) n, generate_series(0, 1000, 31) a WHERE a <= n;
SELECT check_that(bool_and(crm_purchase_frequency(o, c) = o::float8 / c), 'purchase frequency grid')
FROM generate_series(1, 30, 4) c, generate_series(0, 90, 9) o;
-- NPS = (promoters - detractors) / respondents * 100 points
SELECT check_that(bool_and(abs(crm_nps(p, q, d) - 100.0 * (p - d) / (p + q + d)) < 1e-12), 'nps grid')
FROM generate_series(0, 20, 3) p, generate_series(0, 20, 4) q, generate_series(0, 20, 5) d WHERE p + q + d > 0;
SELECT check_that(bool_and(round(crm_romi(r, c), 30) = round((r - c)::numeric(70,55) / c, 30)), 'romi numeric grid')
FROM generate_series(0.05, 3, 0.35) r, generate_series(0.01, 2, 0.27) c;
SELECT check_that(crm_ltv(50::numeric, 2::numeric, 3::numeric) = 300, 'ltv numeric');
SELECT check_that(crm_cac(1000::numeric, 8) = 125, 'cac numeric');
SELECT check_that(crm_cohort_retention(200, 50) = 0.25, 'cohort retention');

-- NULL in, NULL out
SELECT check_that(crm_roi(NULL::float8, 1) IS NULL, 'roi null');
SELECT check_that(crm_churn_rate(NULL, 1) IS NULL, 'churn null');

-- bad input: SQLSTATE 22023 and the library's message naming the metric and the field
SELECT check_error('SELECT crm_roi(1::float8, 0::float8)', '22023', 'crm::roi: cost is zero (zero denominator)');
SELECT check_error('SELECT crm_roi(1::numeric, 0::numeric)', '22023', 'crm::roi: cost is zero (zero denominator)');
SELECT check_error($$SELECT crm_roi('NaN'::float8, 1::float8)$$, '22023', 'crm::roi: revenue is not finite (NaN or infinity)');
SELECT check_error($$SELECT crm_roi('NaN'::numeric, 1::numeric)$$, '22023', 'crm::roi: revenue is not finite (NaN or infinity)');
SELECT check_error($$SELECT crm_roi('Infinity'::numeric, 1::numeric)$$, '22023', 'crm::roi: revenue is not finite (NaN or infinity)');
SELECT check_error('SELECT crm_churn_rate(-1, 0)', '22023');
SELECT check_error('SELECT crm_repeat_purchase_share(5, 4)', '22023');
SELECT check_error('SELECT crm_average_check(-1::float8, 2)', '22023');
-- the examples of docs/postgresql.md
SELECT check_that(crm_retention_rate(100, 90, 20) = 0.7, 'docs: retention rate');
SELECT check_that(crm_roi(0.3::float8, 0.1::float8) = 1.9999999999999998, 'docs: float8 roi');
