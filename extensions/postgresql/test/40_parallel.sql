-- Parallel aggregation: with max_parallel_workers_per_gather = 2 and the parallel costs forced low,
-- the plan is Finalize Aggregate <- Gather <- Partial Aggregate with 2 workers (the states travel
-- from the workers to the leader as bytea in the library's format and are merged by
-- crm_state_combine), and the results equal those with parallelism off.
CREATE TABLE big AS
  SELECT (i * 2654435761 % 40009)::bigint AS customer,
         ('2023-01-01'::date + (i * 7 % 730)) AS day,
         ((i * 37 % 10000) / 100.0)::float8 AS amount,
         (i * 13 % 11)::int AS score,
         (ARRAY['sent','delivered','open','click','soft_bounce'])[1 + i % 5] AS kind
  FROM generate_series(1, 300000) i;
ALTER TABLE big SET (parallel_workers = 2);
ANALYZE big;

CREATE FUNCTION plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  line text;
  plan text := '';
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
    plan := plan || line || E'\n';
  END LOOP;
  RETURN plan;
END $$;

-- serial_q without workers and parallel_q with 2 (and the parallel costs forced low), each returning
-- one row per result; results compared as text. partitioned: parallel_q computes whole states per
-- partition (see below: Parallel Append of whole aggregates, leader participation off); otherwise it
-- is the same query, planned as Finalize Aggregate <- Gather <- Partial Aggregate.
CREATE FUNCTION check_parallel_as(serial_q text, parallel_q text, what text, partitioned boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  serial text[];
  parallel text[];
  plan text;
BEGIN
  SET LOCAL max_parallel_workers_per_gather = 0;
  EXECUTE format('SELECT array_agg(r::text ORDER BY r::text) FROM (%s) r', serial_q) INTO serial;
  SET LOCAL max_parallel_workers_per_gather = 2;
  SET LOCAL parallel_setup_cost = 0;
  SET LOCAL parallel_tuple_cost = 0;
  SET LOCAL min_parallel_table_scan_size = 0;
  IF partitioned THEN
    SET LOCAL parallel_leader_participation = off;
  ELSE
    SET LOCAL parallel_leader_participation = on;
  END IF;
  plan := plan_of(parallel_q);
  IF partitioned THEN
    PERFORM check_that(plan LIKE '%Parallel Append%' AND plan NOT LIKE '%Partial Aggregate%' AND plan LIKE '%Aggregate%'
                       AND plan LIKE '%Workers Launched: 2%',
                       what || ': whole aggregates per partition under a Parallel Append, 2 workers launched, got ' || plan);
  ELSE
    PERFORM check_that(plan LIKE '%Finalize Aggregate%' AND plan LIKE '%Partial Aggregate%'
                       AND plan LIKE '%Workers Planned: 2%' AND plan LIKE '%Workers Launched: 2%',
                       what || ': parallel plan with 2 workers launched, got ' || plan);
  END IF;
  EXECUTE format('SELECT array_agg(r::text ORDER BY r::text) FROM (%s) r', parallel_q) INTO parallel;
  PERFORM check_that(serial = parallel AND cardinality(serial) > 0,
                     what || CASE WHEN partitioned THEN ': per-partition result equals the whole''s' ELSE ': parallel result equals serial' END);
END $$;
CREATE FUNCTION check_parallel(q text, what text) RETURNS void LANGUAGE sql AS $$ SELECT check_parallel_as(q, q, what, false) $$;

-- The combine takes over the accumulator of the leader's own Partial Aggregate when it is handed
-- exactly the bytes that state was flattened to (docs/postgresql.md, "The leader's own partial
-- state"); counted by crm_adopted_states() (checked at the end of this file).
CREATE TEMP TABLE adopted_before AS SELECT crm_adopted_states() AS n;

-- Counts are exact in any grouping; float sums may differ in the last bits with the order of
-- addition, so sums and means are compared rounded to 6 decimals (cents summed).
SELECT check_parallel($$SELECT s.orders, s.customers, s.repeat_customers, round(s.revenue::numeric, 6),
                               round(s.average_check::numeric, 9), s.repeat_purchase_share, s.purchase_frequency,
                               round(s.days_between_purchases::numeric, 9)
                        FROM (SELECT (crm_orders(customer, day, amount)).* FROM big) s$$, 'crm_orders');
SELECT check_parallel($$SELECT customer, frequency, recency, "T", round(monetary_value::numeric, 6)
                        FROM crm_rfm_rows((SELECT crm_rfm_state(customer, day, amount, '2024-12-31', 1) FROM big))$$, 'rfm');
SELECT check_parallel($$SELECT cohort, period_offset, cohort_size, active, retention, round(revenue::numeric, 6)
                        FROM crm_cohort_rows((SELECT crm_cohort_state(customer, day, amount, 'month', '2023-01-01', 24) FROM big))$$, 'cohorts');
SELECT check_parallel($$SELECT cohort, period_offset, cohort_size, active, retention, round(revenue::numeric, 6)
                        FROM unnest((SELECT crm_cohorts(customer, day, amount, 'month', '2023-01-01', 24) FROM big))$$, 'crm_cohorts');
SELECT check_parallel($$SELECT crm_repeat_purchase_share(customer, day, amount), crm_purchase_frequency(customer, day, amount),
                               crm_repeat_purchase_share(customer, day, amount::numeric) FROM big$$, 'purchase counts');
SELECT check_parallel($$SELECT crm_repeat_purchase_share(customer, day, amount) = (crm_orders(customer, day, amount)).repeat_purchase_share
                               AND crm_purchase_frequency(customer, day, amount) = (crm_orders(customer, day, amount)).purchase_frequency
                        FROM big$$, 'purchase counts = crm_orders');
SELECT check_parallel($$SELECT crm_nps(score) FROM big$$, 'nps');
SELECT check_parallel($$SELECT crm_email_funnel(customer, kind) FROM big$$, 'e-mail');
-- the fit's compressed (x, t_x, T) -> weight table merges exactly; the fit runs on the merged table
ALTER TABLE cdnow_summary SET (parallel_workers = 2);
SELECT check_parallel($$SELECT round(r::numeric, 9), round(alpha::numeric, 9), round(a::numeric, 9), round(b::numeric, 9)
                        FROM (SELECT (crm_fit_bg_nbd(x, t_x, big_t)).* FROM cdnow_summary) f$$, 'fit');
SELECT check_parallel($$SELECT round(crm_average_check(amount)::numeric, 9) FROM big$$, 'average check');
-- numeric amounts (crm::decimal50 states) are exact: parallel results equal serial ones to the last digit
-- (a tenth of the rows: decimal arithmetic is slow)
SELECT check_parallel($$SELECT (crm_orders(customer, day, amount::numeric)).* FROM big WHERE customer % 10 = 0$$, 'numeric orders');
SELECT check_parallel($$SELECT * FROM crm_rfm_rows_numeric((SELECT crm_rfm_state(customer, day, amount::numeric, '2024-06-30', '2024-12-31', 1)
                                                            FROM big WHERE customer % 10 = 0))$$, 'numeric rfm with holdout');
SELECT check_parallel($$SELECT crm_email_funnel(customer, CASE WHEN score = 3 THEN 'conversion' ELSE kind END,
                                         CASE WHEN score = 3 THEN amount::numeric / 7 ELSE 0 END) FROM big$$, 'numeric e-mail');
SELECT check_parallel($$SELECT crm_csat(1 + score % 5) FROM big$$, 'csat');
SELECT check_parallel($$SELECT * FROM crm_spend_periods_numeric((SELECT crm_spend_state(score, day, amount::numeric, 'week') FROM big WHERE customer % 10 = 0))$$, 'spend');
-- One transition state for two aggregates (crm_cohorts and crm_cohort_state share their transition
-- function and arguments: PostgreSQL keeps one state and flattens it once for each): the combine
-- takes one flattening over and reads the other from its bytes; both results equal the serial ones.
SELECT check_parallel($$SELECT cardinality(c), (SELECT sum(active * (period_offset + 1)) FROM crm_cohort_rows(s))
                        FROM (SELECT crm_cohorts(customer, day, amount, 'month', '2023-01-01', 24) c,
                                     crm_cohort_state(customer, day, amount, 'month', '2023-01-01', 24) s FROM big) x$$,
                      'one transition state, two aggregates');
-- Scaling past the leader's merge: orders partitioned by a hash bucket of the customer (every
-- customer's orders in one partition, as Citus shards by the distribution column), one plain
-- aggregate per partition, UNION ALL: the plan is Gather <- Parallel Append <- Aggregate (whole, not
-- partial) per partition, so each worker computes whole states of its own customers and nothing is
-- merged; the RFM rows are the union of the partitions' rows and the cohort cells their sums
-- (docs/postgresql.md, "Scaling with workers: one state per partition").
CREATE TABLE big_p (customer bigint NOT NULL, day date NOT NULL, amount float8 NOT NULL, bucket int NOT NULL) PARTITION BY LIST (bucket);
SELECT format('CREATE TABLE big_p%s PARTITION OF big_p FOR VALUES IN (%s)', k, k) FROM generate_series(0, 3) k \gexec
INSERT INTO big_p SELECT customer, day, amount, hashint8(customer) & 3 FROM big;
ANALYZE big_p;
CREATE FUNCTION per_partition(q text) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(format(q, 'big_p' || k), ' UNION ALL ') FROM generate_series(0, 3) k $$;
SELECT check_parallel_as(
  $$SELECT customer, frequency, recency, "T", round(monetary_value::numeric, 6)
    FROM crm_rfm_rows((SELECT crm_rfm_state(customer, day, amount, '2024-12-31', 1) FROM big))$$,
  $$SELECT x.customer, x.frequency, x.recency, x."T", round(x.monetary_value::numeric, 6)
    FROM ($$ || per_partition('SELECT crm_rfm_state(customer, day, amount, ''2024-12-31'', 1) s FROM %s') || $$) a
    CROSS JOIN LATERAL crm_rfm_rows(a.s) x$$, 'rfm by partition', true);
SELECT check_parallel_as(
  $$SELECT cohort, period_offset, cohort_size, active, round(revenue::numeric, 6)
    FROM unnest((SELECT crm_cohorts(customer, day, amount, 'month', '2023-01-01', 24) FROM big))$$,
  $$SELECT cohort, period_offset, sum(cohort_size), sum(active), round(sum(revenue)::numeric, 6)
    FROM ($$ || per_partition('SELECT crm_cohorts(customer, day, amount, ''month'', ''2023-01-01'', 24) c FROM %s') || $$) a
    CROSS JOIN LATERAL unnest(a.c) GROUP BY cohort, period_offset$$, 'cohorts by partition', true);
DROP TABLE big_p;
-- the parallel aggregates above took over the leader's own partial state at least once
SELECT check_that(crm_adopted_states() > (SELECT n FROM adopted_before), 'the combine took over the leader''s partial state');
DROP TABLE big;
