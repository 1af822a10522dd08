-- NULL conventions, bad values, and truncated or corrupted states.
-- NULLs: a row with a NULL argument is left out of an aggregate (as count(x) and avg(x) leave NULLs
-- out); an aggregate over no rows (or only such rows) is NULL; scalar functions are STRICT.
CREATE TABLE o AS SELECT * FROM cdnow WHERE customer <= 60;
CREATE TABLE o_nulls AS
  SELECT customer, day, amount FROM o
  UNION ALL SELECT NULL, '1997-03-01', 10 UNION ALL SELECT 7, NULL, 10 UNION ALL SELECT 7, '1997-03-01', NULL;
SELECT check_that((SELECT crm_orders(customer, day, amount) FROM o_nulls) = (SELECT crm_orders(customer, day, amount) FROM o),
                  'rows with a NULL are left out');
SELECT check_that((SELECT crm_orders(customer, day, amount) FROM o WHERE false) IS NULL, 'no rows: NULL');
SELECT check_that((SELECT crm_orders_state(customer, day, amount) FROM o_nulls WHERE customer IS NULL) IS NULL, 'only NULL rows: NULL');
SELECT check_that((SELECT crm_nps(s) FROM (VALUES (NULL::int), (NULL)) v(s)) IS NULL, 'nps of NULLs');
SELECT check_that((SELECT crm_state_merge(s) FROM (VALUES (NULL::bytea), (NULL)) v(s)) IS NULL, 'merge of NULLs');
SELECT check_that((SELECT crm_orders_result(crm_state_merge(s)) FROM (SELECT crm_orders_state(customer, day, amount) s FROM o
                   UNION ALL SELECT NULL) v) = (SELECT crm_orders(customer, day, amount) FROM o), 'NULL states are left out of a merge');
SELECT check_that(crm_orders_result(NULL) IS NULL AND crm_wilson_interval(NULL, 3) IS NULL, 'strict functions');
-- undefined results are NULL, not a made-up zero: only returns -> no orders -> no average check
SELECT check_that((SELECT (crm_orders(1, '1997-01-01'::date, -5.0))).average_check IS NULL, 'no purchases: average check NULL');
-- timestamptz and date give the same days (UTC)
SELECT check_that((SELECT crm_orders(customer, day::timestamp AT TIME ZONE 'UTC', amount) FROM o)
                  = (SELECT crm_orders(customer, day, amount) FROM o), 'timestamptz = date');
-- a timestamptz belongs to its UTC day whatever the session's TimeZone (docs/postgresql.md,
-- "Aggregates"; the check above ran in the cluster's zone only): 2020-01-01 23:30 in New York is
-- 2020-01-02 04:30 UTC, so T to 2020-01-10 is 8 days and the next purchase, 2020-01-03 00:30 UTC
-- (2020-01-03 09:30 in Tokyo), is 1 day later; 2019-12-31 20:00 in New York is a customer of the
-- 2020-01-01 cohort
SET TimeZone = 'America/New_York';
SELECT check_that(r.recency = 1 AND r."T" = 8 AND r.frequency = 1, 'RFM days are UTC days (New York)')
FROM (SELECT (crm_rfm_rows(crm_rfm_state(1, t, 1.0::float8, '2020-01-10', 1))).*
      FROM (VALUES ('2020-01-01 23:30-05'::timestamptz), ('2020-01-03 00:30+00')) v(t)) r;
SELECT check_that((crm_cohorts(1, '2019-12-31 20:00-05'::timestamptz, 1.0::float8, 'day', '2019-12-31', 3))[1].cohort = '2020-01-01',
                  'cohort days are UTC days (New York)');
SET TimeZone = 'Asia/Tokyo';
SELECT check_that(r.recency = 1 AND r."T" = 8, 'RFM days are UTC days (Tokyo)')
FROM (SELECT (crm_rfm_rows(crm_rfm_state(1, t, 1.0::float8, '2020-01-10', 1))).*
      FROM (VALUES ('2020-01-02 13:30+09'::timestamptz), ('2020-01-03 09:30+09')) v(t)) r;
RESET TimeZone;

-- bad values: 22023 with the library's message (metric and field)
SELECT check_error($$SELECT crm_orders(1, '1997-01-01'::date, 'NaN'::float8)$$, '22023',
                   'crm::customer_accumulator: amount is not finite (NaN or infinity)');
SELECT check_error($$SELECT crm_average_check('Infinity'::float8)$$, '22023');
SELECT check_error($$SELECT crm_orders(1, '1850-01-01'::date, 1)$$, '22023');
SELECT check_error($$SELECT crm_repeat_purchase_share(1, '1997-01-01'::date, 'NaN'::float8)$$, '22023',
                   'crm::repeat_purchase_accumulator: amount is not finite (NaN or infinity)');
SELECT check_error($$SELECT crm_purchase_frequency(1, '1850-01-01'::date, 1)$$, '22023');
SELECT check_that((SELECT crm_repeat_purchase_share(1, '1997-01-01'::date, -5.0)) IS NULL, 'only returns: repeat share NULL');
SELECT check_error($$SELECT crm_orders(1, 'infinity'::date, 1)$$, '22023');
SELECT check_error('SELECT crm_nps(11)', '22023', 'crm::nps_accumulator: score is out of range (must lie in 0..10)');
SELECT check_error('SELECT crm_nps(-1)', '22023');
SELECT check_error($$SELECT crm_email_funnel(1, 'bounce')$$, '22023');
SELECT check_error($$SELECT crm_email_funnel(1, 'open', 5.0)$$, '22023');
SELECT check_error($$SELECT crm_rfm_state(1, '1997-10-01'::date, 1, '1997-09-30', 7)$$, '22023');
SELECT check_error($$SELECT crm_rfm_state(1, '1997-01-01'::date, 1, '1997-09-30', 0)$$, '22023');
SELECT check_error($$SELECT crm_rfm_state(c, '1997-01-01'::date, 1, d, 7) FROM (VALUES (1, '1997-09-30'::date), (2, '1997-10-31')) v(c, d)$$, '22023');
SELECT check_error($$SELECT crm_cohort_state(1, '1997-01-01'::date, 1, 'fortnight', '1997-01-01', 12)$$, '22023');
SELECT check_error($$SELECT crm_cohort_state(1, '1999-01-01'::date, 1, 'month', '1997-01-01', 12)$$, '22023');
SELECT check_error('SELECT crm_fit_bg_nbd(-1, 0, 1)', '22023');
SELECT check_error('SELECT crm_fit_bg_nbd(1, 2, 1)', '22023');
-- a repeat purchase at recency 0: the fits of models with a density in t_x have no maximum (docs/models.md, "Data")
SELECT check_error($$SELECT crm_fit_bg_nbd(x, tx, t) FROM (VALUES (1, 0, 10), (2, 5, 10), (0, 0, 20)) v(x, tx, t)$$, '22023',
                   'crm::fit_bg_nbd: recency is malformed (a repeat purchase at recency 0 (frequency > 0 with recency 0): the likelihood '
                   'has no maximum with such a row (it grows without bound as alpha -> 0, the purchase rates spreading without limit); '
                   'measure recency in a finer unit than the periods that count repeat purchases (crm::rfm_accumulator counts them in '
                   'distinct periods after the first))');
SELECT check_error($$SELECT crm_fit_pareto_nbd(x, tx, t) FROM (VALUES (1, 0, 10), (2, 5, 10), (0, 0, 20)) v(x, tx, t)$$, '22023');
SELECT check_error($$SELECT crm_rfm(customer, day, amount, '1997-09-30', 7) FROM o WHERE day <= '1997-09-30'$$, '22023');
-- A bad unit, period or other option of an aggregate names the SQL function and its argument, with
-- the accepted values; it named the library's class and field (`crm_spend(..., 'fortnight')` gave
-- "crm::period_accumulator: unit must be ...", time_unit_days was "time_unit"; found by an audit).
-- The aggregates that share a transition (crm_spend and crm_spend_state; crm_cohort_state,
-- crm_cohorts and crm_periods; crm_rfm and crm_rfm_state) each name themselves.
SELECT check_error($$SELECT crm_spend(1, '1997-01-01'::date, 1.0, 'fortnight')$$, '22023',
                   'crm_spend: unit must be day, week, month, quarter or year, not "fortnight"');
SELECT check_error($$SELECT crm_spend_state(1, '1997-01-01'::date, 1.0::numeric, 'Month')$$, '22023',
                   'crm_spend_state: unit must be day, week, month, quarter or year, not "Month"');
SELECT check_error($$SELECT crm_spend(c, '1997-01-01'::date, 1.0, u) FROM (VALUES (1, 'month'), (2, 'week')) v(c, u)$$, '22023',
                   'crm_spend: unit is out of range (must be the same on every row)');
SELECT check_error($$SELECT crm_cohort_state(1, '1997-01-01'::date, 1, 'fortnight', '1997-01-01', 12)$$, '22023',
                   'crm_cohort_state: unit must be day, week, month, quarter or year, not "fortnight"');
SELECT check_error($$SELECT crm_cohorts(1, '1997-01-01'::date, 1, 'days', '1997-01-01', 12)$$, '22023',
                   'crm_cohorts: unit must be day, week, month, quarter or year, not "days"');
SELECT check_error($$SELECT crm_periods(1, '1997-01-01'::date, 1, 'month', '1997-01-01', 0)$$, '22023',
                   'crm_periods: periods is out of range (must lie in 1..4096)');
SELECT check_error($$SELECT crm_cohorts(1, '1997-01-01'::date, 1, 'month', '1997-01-01', 12, 0)$$, '22023',
                   'crm_cohorts: inactive_periods is out of range (must be at least 1)');
SELECT check_error($$SELECT crm_cohort_state(1, '1997-01-01'::date, 1, 'month', 'infinity', 12)$$, '22023',
                   'crm_cohort_state: first must be a finite date');
SELECT check_error($$SELECT crm_periods(c, '1997-01-01'::date, 1, u, '1997-01-01', 12) FROM (VALUES (1, 'month'), (2, 'week')) v(c, u)$$,
                   '22023', 'crm_periods: unit is out of range (must be the same on every row)');
SELECT check_error($$SELECT crm_periods(c, '1997-01-01'::date, 1, 'month', '1997-01-01', p) FROM (VALUES (1, 12), (2, 13)) v(c, p)$$,
                   '22023', 'crm_periods: periods is out of range (must be the same on every row)');
SELECT check_error($$SELECT crm_rfm(1, '1997-01-01'::date, 1, '1997-09-30', 0)$$, '22023',
                   'crm_rfm: time_unit_days is out of range (must be at least one day)');
SELECT check_error($$SELECT crm_rfm_state(c, '1997-01-01'::date, 1, '1997-09-30', u) FROM (VALUES (1, 7), (2, 1)) v(c, u)$$, '22023',
                   'crm_rfm_state: time_unit_days is out of range (must be the same on every row)');
SELECT check_error($$SELECT crm_rfm_state(1, '1997-01-01'::date, 1, 'infinity', 7)$$, '22023',
                   'crm_rfm_state: calibration_end must be a finite date');
SELECT check_error($$SELECT crm_rfm_state(1, '1997-01-01'::date, 1, '1997-09-30', '1997-06-30', 7)$$, '22023',
                   'crm_rfm_state: observation_end is out of range (must not be before calibration_end)');
SELECT check_error($$SELECT crm_rfm(c, '1997-01-01'::date, 1, '1997-09-30', 7) FROM (VALUES (1), (2)) v(c)$$, '22023',
                   'crm_rfm: customer must be the same on every row (group by the customer, or use crm_rfm_state and crm_rfm_rows)');
SELECT check_error($$SELECT crm_email_funnel(1, 'bounce')$$, '22023',
                   'crm_email_funnel: kind is not an e-mail event kind (sent, delivered, hard_bounce, soft_bounce, open, click, unsubscribe, spam_complaint, conversion)');
-- the periods of the scalar functions likewise (the contract values are SQL functions over
-- crm_contract_value, each named by its own name; the library's period is their t)
SELECT check_error($$SELECT crm_clv((0.24, 4.4, 0.79, 2.4, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_nbd, (6.25, 3.74, 15.44, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_gamma_gamma,
                                    2, 30, 38, 35, 0)$$, '22023', 'crm_clv: periods is out of range (must be >= 1)');
SELECT check_error($$SELECT crm_clv((0.24, 4.4, 0.79, 2.4, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_nbd, (6.25, 3.74, 15.44, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_gamma_gamma,
                                    2, 30, 38, 35, 12, 0)$$, '22023', 'crm_clv: period_length is out of range (must be > 0)');
SELECT check_error($$SELECT crm_survival((1, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg, -1)$$, '22023', 'crm_survival: t is negative');
SELECT check_error($$SELECT crm_retention_rate((1, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg, 0)$$, '22023',
                   'crm_retention_rate: t is out of range (must be >= 1)');
SELECT check_error($$SELECT crm_expected_lifetime((1, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL)::crm_sbg, -1)$$, '22023', 'crm_expected_lifetime: horizon is negative');
SELECT check_error($$SELECT crm_bg_bb_p_alive((1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::crm_bg_bb, 1, 1, 2, -1)$$, '22023',
                   'crm_bg_bb_p_alive: ahead is out of range (must be a whole number >= 0 (opportunities))');
-- states of different kinds, or of different options, do not merge
SELECT check_error($$SELECT crm_state_merge(s) FROM (SELECT crm_orders_state(customer, day, amount) s FROM o
                     UNION ALL SELECT crm_nps_state(5)) v$$, '22P02');
SELECT check_error($$SELECT crm_state_merge(s) FROM (SELECT crm_rfm_state(1, '1997-01-01'::date, 1, '1997-09-30', 7) s
                     UNION ALL SELECT crm_rfm_state(1, '1997-01-01'::date, 1, '1997-09-30', 1)) v$$, '22023');
SELECT check_error($$SELECT crm_nps_result(crm_orders_state(1, '1997-01-01'::date, 1))$$, '22P02');

-- Fuzz: every truncation and every single bit flip of a state of each kind, given to a result
-- function and to the combine function, is an ERROR with SQLSTATE 22P02, never a crash or a result.
CREATE TABLE fuzz_states AS
  SELECT 'orders' AS kind, crm_orders_state(customer, day, amount) AS s, 'crm_orders_result' AS fn FROM o WHERE customer <= 12
  UNION ALL SELECT 'totals', crm_totals_state(amount), 'crm_orders_result' FROM o WHERE customer <= 12
  UNION ALL SELECT 'rfm', crm_rfm_state(customer, day, amount, '1998-06-30', 7), 'crm_rfm_rows' FROM o WHERE customer <= 12
  UNION ALL SELECT 'cohort', crm_cohort_state(customer, day, amount, 'quarter', '1997-01-01', 6), 'crm_cohort_rows' FROM o WHERE customer <= 12
  UNION ALL SELECT 'nps', crm_nps_state((customer % 11)::int), 'crm_nps_result' FROM o WHERE customer <= 12
  UNION ALL SELECT 'email', crm_email_state(customer, (ARRAY['sent','open','click','conversion'])[1 + customer % 4],
                                            CASE WHEN customer % 4 = 3 THEN 2.5 ELSE 0 END), 'crm_email_result' FROM o WHERE customer <= 12
  UNION ALL SELECT 'fit', crm_fit_state(x, t_x, big_t), 'crm_fit_bg_nbd' FROM cdnow_summary WHERE customer <= 12
  UNION ALL SELECT 'rfm numeric', crm_rfm_state(customer, day, amount::numeric, '1997-06-30', '1998-06-30', 7), 'crm_rfm_rows_numeric'
            FROM o WHERE customer <= 3
  UNION ALL SELECT 'email numeric', crm_email_state(customer, (ARRAY['sent','conversion'])[1 + customer % 2],
                                                    CASE WHEN customer % 2 = 1 THEN amount::numeric / 3 ELSE 0 END),
                   'crm_email_result_numeric' FROM o WHERE customer <= 6
  UNION ALL SELECT 'csat', crm_csat_state(1 + (customer % 5)::int), 'crm_csat_result' FROM o WHERE customer <= 12
  UNION ALL SELECT 'spend', crm_spend_state(customer % 3, day, amount::numeric, 'quarter'), 'crm_spend_channels' FROM o WHERE customer <= 4;

CREATE FUNCTION expect_bad_state(sql text, what text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE st text;
BEGIN
  BEGIN
    EXECUTE sql;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
    IF st <> '22P02' THEN RAISE EXCEPTION 'check failed: % gave SQLSTATE %', what, st; END IF;
    RETURN;
  END;
  RAISE EXCEPTION 'check failed: % was accepted', what;
END $$;

DO $$
DECLARE
  f record;
  n int;
  i int;
  bad bytea;
  tried int := 0;
BEGIN
  FOR f IN SELECT * FROM fuzz_states LOOP
    n := length(f.s);
    -- the intact state is accepted by both (a fit of 12 customers is not identifiable: 22023, not 22P02)
    IF f.kind <> 'fit' THEN EXECUTE format('SELECT %I($1)', f.fn) USING f.s; END IF;
    EXECUTE 'SELECT crm_state_merge(x) FROM (VALUES ($1), ($1)) v(x)' USING f.s;
    FOR i IN 0 .. n - 1 LOOP  -- every truncation
      bad := substring(f.s FROM 1 FOR i);
      PERFORM expect_bad_state(format('SELECT %I(%L::bytea)', f.fn, bad), f.kind || ' cut to ' || i);
      PERFORM expect_bad_state(format('SELECT crm_state_merge(x) FROM (VALUES (%L::bytea), (%L::bytea)) v(x)', f.s, bad),
                               f.kind || ' cut to ' || i || ' (combine)');
      tried := tried + 2;
    END LOOP;
    FOR i IN 0 .. 8 * n - 1 LOOP  -- every single bit flip
      bad := set_bit(f.s, i, 1 - get_bit(f.s, i));
      PERFORM expect_bad_state(format('SELECT %I(%L::bytea)', f.fn, bad), f.kind || ' bit ' || i);
      IF i % 7 = 0 THEN
        PERFORM expect_bad_state(format('SELECT crm_state_merge(x) FROM (VALUES (%L::bytea), (%L::bytea)) v(x)', f.s, bad),
                                 f.kind || ' bit ' || i || ' (combine)');
      END IF;
      tried := tried + 1;
    END LOOP;
    -- the state with bytes appended, and garbage of the same length
    PERFORM expect_bad_state(format('SELECT %I(%L::bytea)', f.fn, f.s || '\x00'::bytea), f.kind || ' padded');
    PERFORM expect_bad_state(format('SELECT %I(%L::bytea)', f.fn, decode(repeat('ab', n), 'hex')), f.kind || ' garbage');
  END LOOP;
  RAISE NOTICE 'fuzz: % corrupted states refused', tried;
END $$;
-- the message quoted in docs/postgresql.md: a flipped payload bit
SELECT check_error(format('SELECT crm_orders_result(%L::bytea)', set_bit(s, 8 * 30, 1 - get_bit(s, 8 * 30))), '22P02',
                   'crm::customer_accumulator: checksum is malformed (does not match the payload (corrupted state))')
FROM (SELECT crm_orders_state(customer, day, amount) s FROM o) x;
-- a later state of the combine is merged straight from its bytes (crm_pg_state_merge_bytes): a
-- corrupted one gets the library's message for the buffer, as a result function gives it
SELECT check_error(format('SELECT crm_state_merge(x) FROM (VALUES (%L::bytea), (%L::bytea)) v(x)', s, set_bit(s, 8 * 60, 1 - get_bit(s, 8 * 60))),
                   '22P02', 'crm::rfm_accumulator: checksum is malformed (does not match the payload (corrupted state))')
FROM (SELECT crm_rfm_state(customer, day, amount, '1998-06-30', 7) s FROM o) x;
SELECT check_error(format('SELECT crm_state_merge(x) FROM (VALUES (%L::bytea), (%L::bytea)) v(x)', s, substring(s FROM 1 FOR length(s) - 1)),
                   '22P02', 'crm::period_accumulator: length is malformed (does not match the buffer size (truncated or padded state))')
FROM (SELECT crm_cohort_state(customer, day, amount, 'quarter', '1997-01-01', 6) s FROM o) x;

-- Fit weights that sum past float8 on one row: refused when added or merged (22023, overflow on
-- weight); they summed to infinity, the fit refused the state and its own bytes read back as a
-- corrupted state (found by an audit).
SELECT check_error($$SELECT crm_fit_state(x, tx, t, w) FROM (VALUES (1::float8, 1::float8, 2::float8, 1e308::float8),
                    (1, 1, 2, 1e308)) v(x, tx, t, w)$$, '22023',
                   'crm::bg_nbd_fit_state: weight overflows the number type (the weights of one row sum past float8)');
CREATE TEMP TABLE heavy AS SELECT crm_fit_state(x, tx, t, w) AS s
  FROM (VALUES (1::float8, 1::float8, 2::float8, 1e308::float8), (0, 0, 2, 1)) v(x, tx, t, w);
SELECT check_error($$SELECT crm_state_merge(s) FROM (SELECT s FROM heavy UNION ALL SELECT s FROM heavy) u$$, '22023',
                   'crm::bg_nbd_fit_state: weight overflows the number type (the weights of one row sum past float8)');
-- one such state alone is a state like any other: stored, read back and merged with a light one
SELECT check_that(crm_state_merge(s) IS NOT NULL, 'a heavy state merges with a light one')
  FROM (SELECT s FROM heavy UNION ALL SELECT crm_fit_state(2::float8, 1.5::float8, 3::float8, 1::float8)) u;
