-- Aggregates over the CDNOW sample (6919 orders of 2357 customers, loaded with COPY by the driver)
-- against independent references: plain SQL over the same rows, the published lifetimes summary
-- (cdnow_customers_summary_with_transactions.csv) and the published BG/NBD estimates (Fader, Hardie
-- & Lee 2005: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426).

-- order totals, repeat-purchase share, purchase frequency, days between purchases
WITH ref AS (SELECT count(*) AS orders, sum(amount) AS revenue, count(DISTINCT customer) AS customers,
                    (SELECT count(*) FROM (SELECT customer FROM cdnow GROUP BY customer HAVING count(*) >= 2) r) AS repeaters,
                    (SELECT sum(mx - mn) FROM (SELECT max(day) - min(day) AS mx, 0 AS mn FROM cdnow GROUP BY customer) g) AS span_days,
                    (SELECT sum(n - 1) FROM (SELECT count(*) AS n FROM cdnow GROUP BY customer) g) AS gaps
             FROM cdnow),
     s AS (SELECT (crm_orders(customer, day, amount)).* FROM cdnow)
SELECT check_that(s.orders = ref.orders AND s.customers = ref.customers AND s.repeat_customers = ref.repeaters
                  AND s.returns = 0 AND abs(s.revenue - ref.revenue) < 1e-6
                  AND abs(s.average_check - ref.revenue / ref.orders) < 1e-9
                  AND s.repeat_purchase_share = ref.repeaters::float8 / ref.customers
                  AND s.purchase_frequency = ref.orders::float8 / ref.customers
                  AND abs(s.days_between_purchases - ref.span_days::float8 / ref.gaps) < 1e-9,
                  'crm_orders on CDNOW equals plain SQL')
FROM ref, s;
SELECT check_that((SELECT abs(crm_average_check(amount) - avg(amount)) < 1e-9 FROM cdnow), 'crm_average_check = avg');
SELECT check_that((SELECT crm_repeat_purchase_share(customer, day, amount) = (crm_orders(customer, day, amount)).repeat_purchase_share
                          AND crm_purchase_frequency(customer, day, amount) = (crm_orders(customer, day, amount)).purchase_frequency
                   FROM cdnow), 'single-result aggregates');
-- crm_repeat_purchase_share and crm_purchase_frequency keep purchase counts alone
-- (repeat_purchase_accumulator): the same values as plain SQL, from every argument form
WITH ref AS (SELECT count(*) AS orders, count(DISTINCT customer) AS customers,
                    (SELECT count(*) FROM (SELECT customer FROM cdnow GROUP BY customer HAVING count(*) >= 2) r) AS repeaters
             FROM cdnow)
SELECT check_that((SELECT crm_repeat_purchase_share(customer, day, amount) = ref.repeaters::float8 / ref.customers
                          AND crm_purchase_frequency(customer, day, amount) = ref.orders::float8 / ref.customers
                          AND crm_repeat_purchase_share(customer, day, amount::numeric) = ref.repeaters::float8 / ref.customers
                          AND crm_purchase_frequency(customer, day::timestamp AT TIME ZONE 'UTC', amount::numeric) = ref.orders::float8 / ref.customers
                          AND crm_repeat_purchase_share(row(customer, day, amount)::crm_order) = ref.repeaters::float8 / ref.customers
                   FROM cdnow), 'repeat share and frequency from purchase counts = plain SQL')
FROM ref;
-- its state: read by the state functions and by crm_orders_result (no money kept: those columns NULL),
-- merged from two halves
SELECT check_that(crm_state_repeat_purchase_share(s) = (SELECT crm_repeat_purchase_share(customer, day, amount) FROM cdnow)
                  AND crm_state_purchase_frequency(s) = (SELECT crm_purchase_frequency(customer, day, amount) FROM cdnow)
                  AND (crm_orders_result(s)).orders = 6919 AND (crm_orders_result(s)).customers = 2357
                  AND (crm_orders_result(s)).revenue IS NULL AND (crm_orders_result(s)).days_between_purchases IS NULL
                  -- 12 bytes per customer serialized (id and purchases), after the 24-byte frame header and
                  -- the 24 bytes of orders, returns and customers, before the 8-byte checksum
                  AND octet_length(s) = 24 + 24 + 12 * 2357 + 8,
                  'crm_purchase_counts_state')
FROM (SELECT crm_purchase_counts_state(customer, day, amount) AS s FROM cdnow) x;
SELECT check_that(crm_state_repeat_purchase_share(crm_state_merge(s)) = (SELECT crm_repeat_purchase_share(customer, day, amount) FROM cdnow)
                  AND crm_state_purchase_frequency(crm_state_merge(s)) = (SELECT crm_purchase_frequency(customer, day, amount) FROM cdnow),
                  'purchase counts merged from two halves by day (customers in both)')
FROM (SELECT crm_purchase_counts_state(customer, day, amount) AS s FROM cdnow GROUP BY (day - '1997-01-01'::date) % 2) h;
-- the single-argument (composite row) form: the same state
SELECT check_that((SELECT crm_orders(row(customer, day, amount)::crm_order) = crm_orders(customer, day, amount) FROM cdnow),
                  'crm_order row form');

-- RFM summary at 1997-09-30 in weeks = the published lifetimes summary, every customer, to its two decimals
CREATE TEMP TABLE rfm AS
  SELECT * FROM crm_rfm_rows((SELECT crm_rfm_state(customer, day, amount, '1997-09-30', 7) FROM cdnow WHERE day <= '1997-09-30'));
SELECT check_that((SELECT count(*) FROM rfm) = 2357 AND (SELECT count(*) FROM cdnow_summary) = 2357, 'rfm row count');
SELECT check_that(count(*) = 2357, 'rfm rows equal the lifetimes summary')
FROM rfm JOIN cdnow_summary s USING (customer)
WHERE rfm.frequency = s.x AND round(rfm.recency::numeric, 2) = round(s.t_x::numeric, 2)
  AND round(rfm."T"::numeric, 2) = round(s.big_t::numeric, 2) AND round(rfm.monetary_value::numeric, 2) = round(s.zbar::numeric, 2);
-- the per-customer form (GROUP BY the customer: what Citus runs whole on each worker)
SELECT check_that(count(*) = 2357, 'crm_rfm per customer = crm_rfm_rows')
FROM (SELECT customer, crm_rfm(customer, day, amount, '1997-09-30', 7) AS r FROM cdnow WHERE day <= '1997-09-30' GROUP BY customer) g
JOIN rfm USING (customer) WHERE (g.r).frequency = rfm.frequency AND (g.r).recency = rfm.recency AND (g.r)."T" = rfm."T"
  AND (g.r).monetary_value = rfm.monetary_value;

-- BG/NBD fitted from the published summary with the aggregate, and from the RFM state: the published estimates
CREATE TEMP TABLE fit AS SELECT (crm_fit_bg_nbd(x, t_x, big_t)).* FROM cdnow_summary;
SELECT check_that(round(r::numeric, 3) = 0.243 AND round(alpha::numeric, 3) = 4.414 AND round(a::numeric, 3) = 0.793
                  AND round(b::numeric, 3) = 2.426 AND customers = 2357 AND se_r > 0 AND se_b > 0, 'bg/nbd on the summary') FROM fit;
SELECT check_that(round(f.r::numeric, 3) = 0.243 AND round(f.alpha::numeric, 2) = 4.41 AND round(f.a::numeric, 2) = 0.79
                  AND round(f.b::numeric, 2) = 2.43, 'bg/nbd from the rfm state')
FROM (SELECT (crm_fit_bg_nbd(crm_rfm_state(customer, day, amount, '1997-09-30', 7))).* FROM cdnow WHERE day <= '1997-09-30') f;
SELECT check_that((SELECT crm_fit_bg_nbd(row(x, t_x, big_t)::crm_rfm_input) = crm_fit_bg_nbd(x, t_x, big_t) FROM cdnow_summary),
                  'bg/nbd row form');
-- the log-likelihood is -9582.4 (FHL 2005)
SELECT check_that(round(log_likelihood::numeric, 1) = -9582.4, 'bg/nbd log-likelihood') FROM fit;
-- P(alive) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x)) (FHL note 2008), every customer
SELECT check_that(bool_and(abs(crm_bg_nbd_p_alive(m, x, t_x, big_t)
                   - CASE WHEN x = 0 THEN 1 ELSE 1 / (1 + (m).a / ((m).b + x - 1) * (((m).alpha + big_t) / ((m).alpha + t_x)) ^ ((m).r + x)) END) < 1e-12),
                  'p(alive) closed form')
FROM cdnow_summary, (SELECT crm_fit_bg_nbd(x, t_x, big_t) AS m FROM cdnow_summary) f;
SELECT check_that(bool_and(crm_bg_nbd_expected_purchases(m, x, t_x, big_t, 39) >= 0), 'expected purchases')
FROM cdnow_summary, (SELECT crm_fit_bg_nbd(x, t_x, big_t) AS m FROM cdnow_summary) f;

-- monthly acquisition cohorts: cohort = month of the first order, active = customers of the cohort
-- with an order k months later; the window-function query is the reference
CREATE TEMP TABLE cohorts AS
  SELECT * FROM crm_cohort_rows((SELECT crm_cohort_state(customer, day, amount, 'month', '1997-01-01', 18) FROM cdnow));
WITH firsts AS (SELECT customer, day, amount, min(date_trunc('month', day)) OVER (PARTITION BY customer) AS cohort FROM cdnow),
     sizes AS (SELECT cohort, count(DISTINCT customer) AS size FROM firsts GROUP BY cohort),
     cells AS (SELECT cohort, (extract(year FROM age(date_trunc('month', day), cohort)) * 12
                               + extract(month FROM age(date_trunc('month', day), cohort)))::int AS k,
                      count(DISTINCT customer) AS active, sum(amount) AS revenue
               FROM firsts GROUP BY 1, 2),
     ref AS (SELECT s.cohort::date AS cohort, g.k, s.size, coalesce(c.active, 0) AS active, coalesce(c.revenue, 0) AS revenue
             FROM sizes s CROSS JOIN generate_series(0, 17) g(k)
             LEFT JOIN cells c ON c.cohort = s.cohort AND c.k = g.k
             WHERE s.cohort + make_interval(months => g.k) < '1998-07-01')
SELECT check_that((SELECT count(*) FROM ref) = (SELECT count(*) FROM cohorts)
                  AND count(*) = (SELECT count(*) FROM ref), 'cohort matrix equals the window-function query')
FROM ref JOIN cohorts c ON c.cohort = ref.cohort AND c.period_offset = ref.k
WHERE c.cohort_size = ref.size AND c.active = ref.active AND abs(c.revenue - ref.revenue) < 1e-6
  AND c.retention = ref.active::float8 / ref.size;
-- per-period counts: orders and revenue per month equal GROUP BY month
SELECT check_that(count(*) = 18, 'period rows: orders and revenue per month')
FROM crm_period_rows((SELECT crm_cohort_state(customer, day, amount, 'month', '1997-01-01', 18) FROM cdnow)) p
LEFT JOIN (SELECT date_trunc('month', day)::date AS m, count(*) AS n, sum(amount) AS rev FROM cdnow GROUP BY 1) g ON g.m = p.period
WHERE p.orders = coalesce(g.n, 0) AND abs(p.revenue - coalesce(g.rev, 0)) < 1e-6;

-- NPS from answers: a deterministic answer set, counts by SQL, interval by crm_nps_interval
CREATE TEMP TABLE answers AS SELECT i, (i * 7919 % 11)::int AS score FROM generate_series(1, 5000) i;
SELECT check_that((SELECT crm_nps(score) FROM answers) =
                  (SELECT row(p, q, d, p + q + d, (e).point, (e).lower, (e).upper, (e).level)::crm_nps_result
                   FROM (SELECT count(*) FILTER (WHERE score >= 9) p, count(*) FILTER (WHERE score BETWEEN 7 AND 8) q,
                                count(*) FILTER (WHERE score <= 6) d FROM answers) c,
                        LATERAL (SELECT crm_nps_interval(p, q, d) e) x), 'crm_nps = counts + crm_nps_interval');
SELECT check_that((crm_nps_result(crm_nps_state(score), 0.9)).level = 0.9, 'nps level') FROM answers;

-- e-mail funnel from events: unique per recipient, the documented delivery rules
CREATE TEMP TABLE events AS
  SELECT i % 997 AS recipient,
         (ARRAY['sent','delivered','open','click','hard_bounce','soft_bounce','unsubscribe','spam_complaint','conversion'])[1 + (i * 31 % 9)] AS kind,
         CASE WHEN i * 31 % 9 = 8 THEN (i % 50)::float8 ELSE 0 END AS revenue
  FROM generate_series(1, 6000) i;
WITH k AS (SELECT recipient, array_agg(DISTINCT kind) AS ks FROM events GROUP BY recipient),
     ref AS (SELECT count(*) AS sent,
                    count(*) FILTER (WHERE ks && ARRAY['delivered','open','click','unsubscribe','spam_complaint']) AS delivered,
                    count(*) FILTER (WHERE ks && ARRAY['open','click']) AS opens,
                    count(*) FILTER (WHERE 'click' = ANY(ks)) AS clicks,
                    count(*) FILTER (WHERE 'hard_bounce' = ANY(ks) AND NOT ks && ARRAY['delivered','open','click','unsubscribe','spam_complaint']) AS hard,
                    count(*) FILTER (WHERE 'conversion' = ANY(ks)) AS conversions
             FROM k),
     f AS (SELECT (crm_email_funnel(recipient, kind, revenue)).* FROM events)
SELECT check_that(f.sent = ref.sent AND f.delivered = ref.delivered AND f.unique_opens = ref.opens
                  AND f.unique_clicks = ref.clicks AND f.hard_bounces = ref.hard AND f.conversions = ref.conversions
                  AND f.revenue = (SELECT sum(revenue) FROM events) AND f.open_rate = ref.opens::float8 / ref.delivered,
                  'e-mail funnel equals the counting rules in SQL')
FROM f, ref;

-- Pareto/NBD on the summary: the independent SciPy fit recorded in tests/pareto_nbd_test.cpp
-- (scripts/models_reference.py pareto_fit: r 0.553275, alpha 10.577612, s 0.606214, beta 11.667913,
-- log-likelihood -9594.973930)
SELECT check_that(abs(r / 0.553275 - 1) < 1e-4 AND abs(alpha / 10.577612 - 1) < 1e-4 AND abs(s / 0.606214 - 1) < 1e-4
                  AND abs(beta / 11.667913 - 1) < 1e-3 AND abs(log_likelihood + 9594.973930) < 1e-3, 'pareto/nbd on the summary')
FROM (SELECT (crm_fit_pareto_nbd(x, t_x, big_t)).* FROM cdnow_summary) f;
-- Gamma-Gamma from the RFM state's repeat customers: the published p 6.25, q 3.74, gamma 15.44
-- (Fader, Hardie & Lee 2005, CDNOW), within 1 %
CREATE TEMP TABLE gg AS
  SELECT (crm_fit_gamma_gamma(crm_rfm_state(customer, day, amount, '1997-09-30', 7))).* FROM cdnow WHERE day <= '1997-09-30';
SELECT check_that(abs(p / 6.25 - 1) < 0.01 AND abs(q / 3.74 - 1) < 0.01 AND abs(gamma / 15.44 - 1) < 0.01
                  AND customers = 946, 'gamma-gamma from the rfm state') FROM gg;
-- E[Z | x, zbar] = (q - 1)/(p x + q - 1) * gamma p/(q - 1) + p x/(p x + q - 1) * zbar
-- (Fader, Hardie & Lee 2005, eq. 5), every repeat customer of the summary
SELECT check_that(bool_and(abs(crm_gamma_gamma_expected_spend(m, x, zbar)
                   - (((m).q - 1) / ((m).p * x + (m).q - 1) * (m).gamma * (m).p / ((m).q - 1)
                      + (m).p * x / ((m).p * x + (m).q - 1) * zbar)) < 1e-9), 'gamma-gamma expected spend')
FROM cdnow_summary, (SELECT row(gg.*)::crm_gamma_gamma AS m FROM gg) g WHERE x > 0;

-- grouped by customer in a hashed aggregate that spills to disk (work_mem 64kB, many batches): the
-- same rows as the sorted plan and as crm_rfm_rows
SET work_mem = '64kB';
SET enable_sort = off;
CREATE TEMP TABLE spilled AS
  SELECT customer, crm_rfm(customer, day, amount, '1997-09-30', 7) AS r FROM cdnow WHERE day <= '1997-09-30' GROUP BY customer;
RESET enable_sort;
SET enable_hashagg = off;
CREATE TEMP TABLE sorted AS
  SELECT customer, crm_rfm(customer, day, amount, '1997-09-30', 7) AS r FROM cdnow WHERE day <= '1997-09-30' GROUP BY customer;
RESET enable_hashagg;
RESET work_mem;
SELECT check_that((SELECT count(*) FROM spilled) = 2357 AND NOT EXISTS (SELECT * FROM spilled EXCEPT SELECT * FROM sorted)
                  AND NOT EXISTS (SELECT * FROM sorted EXCEPT SELECT customer, row(rfm.*)::crm_rfm_row FROM rfm),
                  'grouped crm_rfm: hashed with spills = sorted = crm_rfm_rows');

-- memory accounting: each accumulator's C++ heap is added to its aggregate context's memory, so a
-- hashed GROUP BY customer reports (EXPLAIN ANALYZE, Memory Usage) and limits (work_mem) the real
-- size: at least 2357 RFM tables of 16 slots x 64 bytes = 1 KiB each. Headers alone were ~0.2 KiB.
CREATE FUNCTION hash_memory_kb(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
    IF line ~ 'Memory Usage: \d+kB' THEN RETURN substring(line FROM 'Memory Usage: (\d+)kB')::int; END IF;
  END LOOP;
  RETURN NULL;
END $$;
SET enable_sort = off;
SET work_mem = '64MB';
SELECT check_that(hash_memory_kb($$SELECT customer, crm_rfm_state(customer, day, amount, '1997-09-30', 7) FROM cdnow
                                   WHERE day <= '1997-09-30' GROUP BY customer$$) >= 2357, 'state memory counted');
RESET work_mem;
RESET enable_sort;

-- the cohort matrix and the period rows as one array (crm_cohorts, crm_periods: the final function
-- reads the running state, nothing is serialized): the same rows as the set-returning functions
SELECT check_that(cardinality(a) = (SELECT count(*) FROM cohorts)
                  AND NOT EXISTS (SELECT * FROM unnest(a) EXCEPT SELECT * FROM cohorts), 'crm_cohorts = crm_cohort_rows')
FROM (SELECT crm_cohorts(customer, day, amount, 'month', '1997-01-01', 18) AS a FROM cdnow) x;
SELECT check_that(cardinality(a) = 18 AND NOT EXISTS (SELECT * FROM unnest(a) EXCEPT
                  SELECT * FROM crm_period_rows((SELECT crm_cohort_state(customer, day, amount, 'month', '1997-01-01', 18) FROM cdnow))),
                  'crm_periods = crm_period_rows')
FROM (SELECT crm_periods(customer, day, amount, 'month', '1997-01-01', 18) AS a FROM cdnow) x;
