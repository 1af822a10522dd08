-- Exact money, the RFM holdout, CSAT and spend aggregates, Pareto/NBD predictions and CLV.
-- References: PostgreSQL's own numeric arithmetic (exact: sums to the last digit; quotients
-- compared to 40 decimals, computed at scale 45) and plain SQL over the documented definitions;
-- CLV against its formula summed in SQL from the (separately tested) prediction functions.
CREATE TEMP TABLE cn AS SELECT customer, day, amount::numeric AS amount FROM cdnow;  -- cents, exact

-- ---- numeric amounts: crm::decimal50 states -------------------------------------------------------
-- orders summary and average check
WITH e AS (SELECT (crm_orders(customer, day, amount)).* FROM cn),
     p AS (SELECT count(*) AS n, sum(amount) AS rev FROM cn)
SELECT check_that(pg_typeof(e.revenue) = 'numeric'::regtype AND e.orders = p.n AND e.revenue = p.rev
                  AND e.net_revenue = p.rev AND e.returned = 0
                  AND round(e.average_check, 40) = round(p.rev::numeric(80, 45) / p.n, 40), 'numeric orders summary')
FROM e, p;
SELECT check_that(round(crm_average_check(amount), 40) = round(sum(amount)::numeric(80, 45) / count(*), 40)
                  AND pg_typeof(crm_average_check(amount)) = 'numeric'::regtype, 'numeric average check')
FROM cn;
-- the float8 aggregate agrees to float precision, and the numeric result function reads a float8 state
SELECT check_that(abs(crm_average_check(amount)::float8 / crm_average_check(amount::float8) - 1) < 1e-12
                  AND crm_state_average_check_numeric(crm_totals_state(amount::float8))::float8 = crm_average_check(amount::float8),
                  'numeric and float8 average check')
FROM cn;
-- where float8 is not exact: 0.1 + 0.2
SELECT check_that(crm_average_check(a) = 0.15 AND crm_average_check(a::float8) <> 0.15, 'numeric is exact, float8 is not')
FROM (VALUES (0.1::numeric), (0.2)) v(a);

-- RFM summary in weeks at 1997-09-30, holdout to 1998-06-30: calibration columns equal the float8
-- state's and the published summary's; monetary values and holdout columns equal plain SQL
CREATE TEMP TABLE rfm_n AS
  SELECT * FROM crm_rfm_rows_numeric((SELECT crm_rfm_state(customer, day, amount, '1997-09-30', '1998-06-30', 7) FROM cn
                                      WHERE day <= '1998-06-30'));
WITH d AS (SELECT customer, day, sum(amount) AS v FROM cn WHERE day <= '1998-06-30' GROUP BY 1, 2),
     cal AS (SELECT customer, count(*) - 1 AS x, sum(v) AS total,
                    (array_agg(v ORDER BY day))[1] AS first_v FROM d WHERE day <= '1997-09-30' GROUP BY 1),
     hold AS (SELECT customer, count(*) AS hx, sum(v) AS hv FROM d WHERE day > '1997-09-30' GROUP BY 1),
     ref AS (SELECT cal.customer, cal.x,
                    CASE WHEN cal.x > 0 THEN round((cal.total - cal.first_v)::numeric(80, 45) / cal.x, 40) ELSE 0 END AS zbar,
                    coalesce(hold.hx, 0) AS hx,
                    CASE WHEN hold.hx > 0 THEN round(hold.hv::numeric(80, 45) / hold.hx, 40) ELSE 0 END AS hzbar
             FROM cal LEFT JOIN hold USING (customer))
SELECT check_that(count(*) = 2357 AND (SELECT count(*) FROM rfm_n) = 2357, 'numeric RFM with holdout equals plain SQL')
FROM ref JOIN rfm_n r USING (customer) JOIN cdnow_summary s USING (customer)
WHERE r.frequency = ref.x AND round(r.monetary_value, 40) = ref.zbar
  AND r.holdout_frequency = ref.hx AND round(r.holdout_monetary_value, 40) = ref.hzbar
  AND round(r.recency::numeric, 2) = round(s.t_x::numeric, 2) AND round(r."T"::numeric, 2) = round(s.big_t::numeric, 2)
  AND round(r.monetary_value, 2) = round(s.zbar::numeric, 2);
-- the holdout changes no calibration column (float8 state without holdout)
SELECT check_that(count(*) = 2357, 'holdout leaves the calibration columns')
FROM rfm_n r JOIN crm_rfm_rows((SELECT crm_rfm_state(customer, day, amount::float8, '1997-09-30', 7) FROM cn
                                WHERE day <= '1997-09-30')) f USING (customer)
WHERE r.frequency = f.frequency AND r.recency = f.recency AND r."T" = f."T"
  AND abs(r.monetary_value::float8 - f.monetary_value) <= 1e-12 * f.monetary_value AND f.holdout_frequency = 0;
-- totals: every customer bought first in 1997 Q1, so none is holdout-only; 273 days = 39 weeks
SELECT check_that(customers = 2357 AND holdout_only_customers = 0 AND returns = 0 AND holdout_duration = 39, 'rfm totals')
FROM crm_rfm_totals((SELECT crm_rfm_state(customer, day, amount, '1997-09-30', '1998-06-30', 7) FROM cn));
-- a customer whose first purchase is in the holdout is counted, not summarized
SELECT check_that(t.customers = 1 AND t.holdout_only_customers = 1 AND t.holdout_duration IS NOT NULL, 'holdout-only customer')
FROM crm_rfm_totals((SELECT crm_rfm_state(c, d, 1.0, '2024-01-31', '2024-03-31', 1)
                     FROM (VALUES (1, '2024-01-10'::date), (2, '2024-02-10')) v(c, d))) t;
SELECT check_that(holdout_duration IS NULL, 'no holdout: duration NULL')
FROM crm_rfm_totals((SELECT crm_rfm_state(1, '2024-01-10'::date, 1.0, '2024-01-31', 1)));
-- the per-customer form gives the same numeric rows
SELECT check_that(count(*) = 2357, 'crm_rfm numeric per customer')
FROM (SELECT customer, crm_rfm(customer, day, amount, '1997-09-30', '1998-06-30', 7) AS r FROM cn
      WHERE day <= '1998-06-30' GROUP BY customer) g JOIN rfm_n USING (customer)
WHERE (g.r).monetary_value = rfm_n.monetary_value AND (g.r).holdout_frequency = rfm_n.holdout_frequency
  AND (g.r).holdout_monetary_value = rfm_n.holdout_monetary_value;

-- e-mail revenue as numeric: the sum of the conversion events' revenue, exactly (tenths of a unit,
-- which float8 cannot hold: 0.1 + 0.2 <> 0.3), the counts and rates those of the float8 funnel
CREATE TEMP TABLE events_n AS
  SELECT i % 997 AS recipient,
         (ARRAY['sent','delivered','open','click','hard_bounce','soft_bounce','unsubscribe','spam_complaint','conversion'])[1 + (i * 31 % 9)] AS kind,
         CASE WHEN i * 31 % 9 = 8 THEN (i % 50) / 10.0 + 0.1 ELSE 0 END AS revenue
  FROM generate_series(1, 6000) i;
WITH n AS (SELECT (crm_email_funnel(recipient, kind, revenue)).* FROM events_n),
     f AS (SELECT (crm_email_funnel(recipient, kind, revenue::float8)).* FROM events_n)
SELECT check_that(pg_typeof(n.revenue) = 'numeric'::regtype AND n.revenue = (SELECT sum(revenue) FROM events_n)
                  AND row(n.sent, n.delivered, n.hard_bounces, n.soft_bounces, n.unique_opens, n.unique_clicks, n.unsubscribed,
                          n.spam_complaints, n.conversions, n.delivery_rate, n.open_rate, n.click_through_rate,
                          n.click_to_open_rate, n.unsubscribe_rate, n.bounce_rate)
                      = row(f.sent, f.delivered, f.hard_bounces, f.soft_bounces, f.unique_opens, f.unique_clicks, f.unsubscribed,
                            f.spam_complaints, f.conversions, f.delivery_rate, f.open_rate, f.click_through_rate,
                            f.click_to_open_rate, f.unsubscribe_rate, f.bounce_rate)
                  AND abs(f.revenue - n.revenue::float8) < 1e-9 * f.revenue, 'numeric e-mail revenue is exact')
FROM n, f;
SELECT check_that((crm_email_result_numeric(crm_email_state(r, k, v))).revenue = 0.3
                  AND (crm_email_result(crm_email_state(r, k, v::float8))).revenue <> 0.3, 'numeric e-mail revenue: 0.1 + 0.2 = 0.3')
FROM (VALUES (1, 'conversion', 0.1::numeric), (2, 'conversion', 0.2)) v(r, k, v);
-- the example of docs/postgresql.md
SELECT check_that((SELECT (crm_email_funnel(r, 'conversion', v)).revenue FROM (VALUES (1, 0.1::numeric), (2, 0.2)) x(r, v)) = 0.3
                  AND (SELECT (crm_email_funnel(r, 'conversion', v::float8)).revenue FROM (VALUES (1, 0.1::numeric), (2, 0.2)) x(r, v))
                      = 0.30000000000000004::float8, 'numeric e-mail revenue, the documented example');
-- a NULL revenue counts as 0 (as in the float8 form), an event without revenue is no conversion sale
SELECT check_that((crm_email_funnel(r, k, v)).revenue = 0.2 AND (crm_email_funnel(r, k, v)).conversions = 2, 'numeric e-mail NULL revenue')
FROM (VALUES (1, 'conversion', NULL::numeric), (2, 'conversion', 0.2)) v(r, k, v);
-- states of the two number types do not merge
SELECT check_error($$SELECT crm_state_merge(s) FROM (SELECT crm_email_state(1, 'conversion', 0.5::numeric) s
                     UNION ALL SELECT crm_email_state(2, 'conversion', 0.5::float8)) v$$, '22P02');
-- a negative or non-conversion revenue is refused as in float8
SELECT check_error($$SELECT crm_email_funnel(1, 'conversion', -1::numeric)$$, '22023');
SELECT check_error($$SELECT crm_email_funnel(1, 'open', 0.5::numeric)$$, '22023',
                   'crm::email_accumulator: revenue is malformed (only conversion events carry revenue)');

-- model fits and predictions over numeric columns: numeric converts to float8 implicitly (the fits
-- run in float8, as the library's do); the parameters equal those over the float8 columns (the
-- numeric copies of the summary hold its values to 15 significant digits)
CREATE TEMP TABLE summary_n AS SELECT customer, x::numeric AS x, t_x::numeric AS t_x, big_t::numeric AS big_t FROM cdnow_summary;
SELECT check_that(abs(n.r / f.r - 1) < 1e-7 AND abs(n.alpha / f.alpha - 1) < 1e-7 AND abs(n.a / f.a - 1) < 1e-7
                  AND abs(n.b / f.b - 1) < 1e-7 AND abs(n.log_likelihood - f.log_likelihood) < 1e-6, 'bg/nbd fit over numeric')
FROM (SELECT (crm_fit_bg_nbd(x, t_x, big_t)).* FROM summary_n) n, (SELECT (crm_fit_bg_nbd(x, t_x, big_t)).* FROM cdnow_summary) f;
SELECT check_that(abs(n.r / f.r - 1) < 1e-6 AND abs(n.s / f.s - 1) < 1e-6, 'pareto/nbd fit over numeric')
FROM (SELECT (crm_fit_pareto_nbd(x, t_x, big_t)).* FROM summary_n) n, (SELECT (crm_fit_pareto_nbd(x, t_x, big_t)).* FROM cdnow_summary) f;
SELECT check_that(bool_and(abs(crm_bg_nbd_p_alive(m, n.x, n.t_x, n.big_t) - crm_bg_nbd_p_alive(m, s.x, s.t_x, s.big_t)) < 1e-9),
                  'bg/nbd P(alive) over numeric')
FROM summary_n n JOIN cdnow_summary s USING (customer), (SELECT crm_fit_bg_nbd(x, t_x, big_t) AS m FROM cdnow_summary) f;

-- cohort revenue and revenue per month: exact sums
CREATE TEMP TABLE cohorts_n AS
  SELECT * FROM crm_cohort_rows_numeric((SELECT crm_cohort_state(customer, day, amount, 'month', '1997-01-01', 18) FROM cn));
WITH firsts AS (SELECT customer, day, amount, min(date_trunc('month', day)) OVER (PARTITION BY customer) AS cohort FROM cn),
     cells AS (SELECT cohort::date AS cohort, (extract(year FROM age(date_trunc('month', day), cohort)) * 12
                               + extract(month FROM age(date_trunc('month', day), cohort)))::int AS k, sum(amount) AS revenue
               FROM firsts GROUP BY 1, 2)
SELECT check_that(count(*) = (SELECT count(*) FROM cohorts_n) AND bool_and(c.revenue = coalesce(cells.revenue, 0)),
                  'numeric cohort revenue equals plain SQL exactly')
FROM cohorts_n c LEFT JOIN cells ON cells.cohort = c.cohort AND cells.k = c.period_offset;
SELECT check_that(count(*) = 18 AND bool_and(p.revenue = coalesce(g.rev, 0)), 'numeric revenue per month')
FROM crm_period_rows_numeric((SELECT crm_cohort_state(customer, day, amount, 'month', '1997-01-01', 18) FROM cn)) p
LEFT JOIN (SELECT date_trunc('month', day)::date AS m, sum(amount) AS rev FROM cn GROUP BY 1) g ON g.m = p.period;

-- numeric states merge exactly: four shards by customer give the whole's results
CREATE TEMP TABLE parts_n AS
  SELECT customer % 4 AS shard, crm_orders_state(customer, day, amount) AS orders,
         crm_rfm_state(customer, day, amount, '1997-09-30', '1998-06-30', 7) FILTER (WHERE day <= '1998-06-30') AS rfm
  FROM cn GROUP BY 1;
SELECT check_that((SELECT crm_orders_result_numeric(crm_state_merge(orders)) FROM parts_n) = (SELECT crm_orders(customer, day, amount) FROM cn)
                  AND NOT EXISTS (SELECT * FROM crm_rfm_rows_numeric((SELECT crm_state_merge(rfm) FROM parts_n))
                                  EXCEPT SELECT * FROM rfm_n), 'numeric shards merge to the whole');
-- a numeric and a float8 state do not merge
SELECT check_error($$SELECT crm_state_merge(s) FROM (SELECT crm_totals_state(1.5::numeric) s UNION ALL SELECT crm_totals_state(1.5::float8)) v$$,
                   '22P02');
-- bad numeric amounts: 22023
SELECT check_error($$SELECT crm_average_check('NaN'::numeric)$$, '22023');
SELECT check_error($$SELECT crm_orders_state(1, '1850-01-01'::date, 1.0)$$, '22023');

-- ---- CSAT -------------------------------------------------------------------------------------------
-- answers 1..5 (satisfied from 4), and on a 0..10 scale satisfied from 7
CREATE TEMP TABLE answers AS SELECT customer, 1 + cds % 5 AS s5, cds % 11 AS s11 FROM cdnow;
SELECT check_that(r.satisfied = (SELECT count(*) FROM answers WHERE s5 >= 4) AND r.respondents = (SELECT count(*) FROM answers)
                  AND r.csat = r.satisfied::float8 / r.respondents
                  AND (r.lower, r.upper) = (SELECT (w).lower, (w).upper FROM (SELECT crm_wilson_interval(r.satisfied, r.respondents) w) x),
                  'csat 1..5')
FROM (SELECT (crm_csat(s5)).* FROM answers) r;
SELECT check_that(r.satisfied = (SELECT count(*) FROM answers WHERE s11 >= 7) AND r.respondents = (SELECT count(*) FROM answers)
                  AND r.level = 0.95, 'csat 0..10 from 7')
FROM (SELECT (crm_csat(s11, 0, 10, 7)).* FROM answers) r;
SELECT check_that((crm_csat_result(crm_csat_state(s5), 0.9)).level = 0.9, 'csat level') FROM answers;
SELECT check_that((SELECT crm_csat_result(crm_state_merge(s)) FROM (SELECT crm_csat_state(s5) s FROM answers GROUP BY customer % 4) p)
                  = (SELECT crm_csat(s5) FROM answers), 'csat shards merge');
SELECT check_error('SELECT crm_csat(6)', '22023', 'crm::csat_accumulator: score is out of range (must lie on the survey''s scale)');
SELECT check_error('SELECT crm_csat(3, 5, 1, 4)', '22023');
SELECT check_error('SELECT crm_csat(s, 1, h, 4) FROM (VALUES (3, 5), (3, 7)) v(s, h)', '22023');

-- ---- spend ------------------------------------------------------------------------------------------
-- the CDNOW amounts as spend of five channels: totals per channel and per month equal plain SQL
CREATE TEMP TABLE spend AS SELECT customer % 5 AS channel, day, amount FROM cn;
SELECT check_that(crm_spend(channel, day, amount) = sum(amount) AND pg_typeof(crm_spend(channel, day, amount)) = 'numeric'::regtype
                  AND abs(crm_spend(channel, day, amount::float8) / sum(amount)::float8 - 1) < 1e-12, 'spend total')
FROM spend;
SELECT check_that(count(*) = 5 AND bool_and(c.spend = g.total), 'spend per channel')
FROM crm_spend_channels_numeric((SELECT crm_spend_state(channel, day, amount) FROM spend)) c
JOIN (SELECT channel, sum(amount) AS total FROM spend GROUP BY 1) g USING (channel);
SELECT check_that(count(*) = 18 AND bool_and(p.spend = g.total), 'spend per month')
FROM crm_spend_periods_numeric((SELECT crm_spend_state(channel, day, amount, 'month') FROM spend)) p
JOIN (SELECT date_trunc('month', day)::date AS period, sum(amount) AS total FROM spend GROUP BY 1) g USING (period);
SELECT check_that(count(*) = 0, 'no periods without a unit')
FROM crm_spend_periods((SELECT crm_spend_state(channel, day, amount::float8) FROM spend));
SELECT check_that((SELECT crm_spend_total_numeric(crm_state_merge(s)) FROM (SELECT crm_spend_state(channel, day, amount, 'month') s
                   FROM spend GROUP BY channel) p) = (SELECT sum(amount) FROM spend), 'spend shards merge');
SELECT check_error($$SELECT crm_spend(1, '2024-01-01'::date, -1.0)$$, '22023');
SELECT check_error($$SELECT crm_spend(-1, '2024-01-01'::date, 1.0)$$, '22023',
                   'crm_spend: channel must lie in 0..4294967295');
SELECT check_error($$SELECT crm_spend_state(1, '2024-01-01'::date, 1.0, u) FROM (VALUES ('month'), ('week')) v(u)$$, '22023');

-- ---- predictions and CLV ---------------------------------------------------------------------------
CREATE TEMP TABLE models AS
  SELECT (SELECT crm_fit_bg_nbd(x, t_x, big_t) FROM cdnow_summary) AS bg,
         (SELECT crm_fit_pareto_nbd(x, t_x, big_t) FROM cdnow_summary) AS pn,
         (SELECT crm_fit_gamma_gamma(crm_rfm_state(customer, day, amount, '1997-09-30', 7)) FROM cdnow WHERE day <= '1997-09-30') AS gg;
-- Pareto/NBD: E[Y(t) | x, t_x, T] = P(alive) (r + x)(beta + T) / ((alpha + T)(s - 1)) [1 - ((beta + T)/(beta + T + t))^(s - 1)]
-- (Fader & Hardie 2005, "A Note on Deriving the Pareto/NBD Model and Related Expressions": the conditional expectation)
SELECT check_that(bool_and(abs(crm_pareto_nbd_expected_purchases(pn, x, t_x, big_t, 39)
                   / (crm_pareto_nbd_p_alive(pn, x, t_x, big_t) * ((pn).r + x) * ((pn).beta + big_t)
                      / (((pn).alpha + big_t) * ((pn).s - 1)) * (1 - (((pn).beta + big_t) / ((pn).beta + big_t + 39)) ^ ((pn).s - 1))) - 1) < 1e-9)
                  AND bool_and(crm_pareto_nbd_p_alive(pn, x, t_x, big_t) BETWEEN 0 AND 1), 'pareto/nbd predictions')
FROM cdnow_summary, models;
-- CLV = margin * E[spend] * sum_i (E[X(i L)] - E[X((i - 1) L)]) / (1 + d)^i, 12 months of 4.345 weeks,
-- 1 % a month, margin 0.3; summed here from the prediction functions
CREATE FUNCTION clv_ref(e float8[], spend float8, d float8, margin float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT margin * spend * sum((e[i] - CASE WHEN i = 1 THEN 0 ELSE e[i - 1] END) / (1 + d) ^ i) FROM generate_subscripts(e, 1) i
$$;
SELECT check_that(bool_and(abs(crm_clv(bg, gg, x, t_x, big_t, zbar, 12, 4.345, 0.01, 0.3)
                               - clv_ref(ARRAY(SELECT crm_bg_nbd_expected_purchases(bg, x, t_x, big_t, i * 4.345) FROM generate_series(1, 12) i),
                                         crm_gamma_gamma_expected_spend(gg, x, zbar), 0.01, 0.3))
                           <= 1e-12 * crm_clv(bg, gg, x, t_x, big_t, zbar, 12, 4.345, 0.01, 0.3))
                  AND bool_and(abs(crm_clv(pn, gg, x, t_x, big_t, zbar, 12, 4.345, 0.01, 0.3)
                               - clv_ref(ARRAY(SELECT crm_pareto_nbd_expected_purchases(pn, x, t_x, big_t, i * 4.345) FROM generate_series(1, 12) i),
                                         crm_gamma_gamma_expected_spend(gg, x, zbar), 0.01, 0.3))
                           <= 1e-12 * crm_clv(pn, gg, x, t_x, big_t, zbar, 12, 4.345, 0.01, 0.3))
                  AND count(*) = 2357, 'clv equals its formula over the predictions')
FROM cdnow_summary, models;
-- defaults: 12 periods of 1 unit, 1 % per period, margin 1
SELECT check_that(crm_clv(bg, gg, 2, 30, 38, 20) = crm_clv(bg, gg, 2, 30, 38, 20, 12, 1, 0.01, 1), 'clv defaults') FROM models;
SELECT check_error('SELECT crm_clv(bg, gg, 2, 30, 38, 20, 0) FROM models', '22023',
                   'crm_clv: periods is out of range (must be >= 1)');
SELECT check_error('SELECT crm_clv(bg, gg, 2, 30, 38, 20, 12, 1, 0.01, 1.5) FROM models', '22023');
SELECT check_error('SELECT crm_clv(bg, gg, 2, 30, 38, 20, 12, 1, -0.01) FROM models', '22023');
SELECT check_error('SELECT crm_clv(bg, gg, 0, 0, 38, 20) FROM models', '22023');  -- spend of a customer with no repeat purchase
SELECT check_that(crm_clv(bg, gg, NULL, 0, 38, 0) IS NULL, 'clv is strict') FROM models;

-- the numeric cohort matrix as one array
SELECT check_that(cardinality(a) = (SELECT count(*) FROM cohorts_n) AND NOT EXISTS (SELECT * FROM unnest(a) EXCEPT SELECT * FROM cohorts_n),
                  'numeric crm_cohorts = crm_cohort_rows_numeric')
FROM (SELECT crm_cohorts(customer, day, amount, 'month', '1997-01-01', 18) AS a FROM cn) x;

-- errors of the new functions: bad values 22023, a state of another kind 22P02
SELECT check_error('SELECT crm_pareto_nbd_p_alive(pn, -1, 0, 10) FROM models', '22023');
SELECT check_error('SELECT crm_pareto_nbd_expected_purchases(pn, 1, 5, 3, 10) FROM models', '22023');  -- recency > T
SELECT check_error($$SELECT crm_rfm_state(1, '2024-01-10'::date, 1.0, '2024-01-31', '2024-01-30', 1)$$, '22023');
SELECT check_error($$SELECT crm_rfm_state(1, '2024-01-10'::date, 1.0, '2024-01-31', o, 1) FROM (VALUES ('2024-03-31'::date), ('2024-04-30')) v(o)$$,
                   '22023');
SELECT check_error('SELECT crm_rfm_totals(crm_nps_state(5))', '22P02');
SELECT check_error('SELECT crm_cohort_cells(crm_nps_state(5))', '22P02');
SELECT check_error('SELECT crm_spend_channels(crm_csat_state(3))', '22P02');
SELECT check_error('SELECT crm_csat_result(crm_nps_state(5))', '22P02');
SELECT check_error($$SELECT crm_orders_result_numeric('\x00'::bytea)$$, '22P02');
