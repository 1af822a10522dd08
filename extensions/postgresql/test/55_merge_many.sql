-- Merging many small states takes time linear in their number. On a 2-core VM, crm_state_merge of
-- 10 000 and 40 000 one-customer RFM states stored as bytes took 0.14-0.23 s and 3.9-5.8 s (25 times
-- the time for 4 times the states), now 6 ms and 18-20 ms: the library's merge from bytes walked the
-- whole merged table for every state, and its customer table was rebuilt for the exact count every
-- few dozen merges (found by an audit; docs/performance.md, "Merging many small states"). The period
-- states of crm_cohorts and crm_periods copied their whole revenue log at every merge from bytes:
-- 10 000 and 80 000 took 0.10-0.15 s and 6.5-9.4 s, now 26-28 ms and 68-79 ms. Checked as a ratio of
-- two sizes, which does not depend on the machine's speed.

-- check_linear_merge(tab, n): crm_state_merge over the states of table `tab` (customer, s) with
-- customer <= 10 000, then over all n of them; the larger may take twice n / 10 000 times as long,
-- plus 0.25 s (quadratic work: (n / 10 000)^2 times).
CREATE FUNCTION check_linear_merge(tab text, n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  started timestamptz;
  small interval;
  large interval;
BEGIN
  EXECUTE format('SELECT crm_state_merge(s) IS NULL FROM %I WHERE customer <= 10000', tab);  -- warm the cache and the plan
  started := clock_timestamp();
  EXECUTE format('SELECT crm_state_merge(s) IS NULL FROM %I WHERE customer <= 10000', tab);
  small := clock_timestamp() - started;
  started := clock_timestamp();
  EXECUTE format('SELECT crm_state_merge(s) IS NULL FROM %I', tab);
  large := clock_timestamp() - started;
  IF large > 2 * (n / 10000) * small + interval '0.25 s' THEN
    RAISE EXCEPTION 'check failed: merging the % states of % took %, 10 000 of them %', n, tab, large, small;
  END IF;
END $$;

CREATE TEMP TABLE many_orders AS
SELECT (i % 40000) + 1 AS customer, date '1997-01-01' + (i % 200) AS day, 10.0::float8 + i % 7 AS amount
FROM generate_series(0, 79999) i;
CREATE TEMP TABLE many_states AS
SELECT customer, crm_rfm_state(customer, day, amount, '1997-09-30', 7) AS s FROM many_orders GROUP BY customer;
SELECT check_linear_merge('many_states', 40000);
-- the merged states, from bytes and in memory, give the rows of one aggregate over all the orders
CREATE TEMP TABLE many_direct AS SELECT * FROM crm_rfm_rows((SELECT crm_rfm_state(customer, day, amount, '1997-09-30', 7) FROM many_orders));
SELECT check_that((SELECT count(*) FROM many_direct) = 40000, 'every customer has a row');
SELECT check_that(NOT EXISTS (SELECT * FROM crm_rfm_rows((SELECT crm_state_merge(s) FROM many_states)) EXCEPT SELECT * FROM many_direct)
                  AND NOT EXISTS (SELECT * FROM many_direct EXCEPT SELECT * FROM crm_rfm_rows((SELECT crm_state_merge(s) FROM many_states))),
                  '40 000 states merged from bytes = one aggregate');
SELECT check_that(NOT EXISTS (SELECT * FROM crm_rfm_rows((SELECT crm_state_merge(s) FROM
                    (SELECT crm_rfm_state(customer, day, amount, '1997-09-30', 7) s FROM many_orders GROUP BY customer) q))
                  EXCEPT SELECT * FROM many_direct), '40 000 states merged in memory = one aggregate');

-- the period states: 80 000 one-customer states, their merge equal to one aggregate
CREATE TEMP TABLE many_period_states AS
SELECT i AS customer, crm_cohort_state(i, date '1997-01-01' + (i % 200), 10.0::float8, 'month', '1997-01-01', 12) AS s
FROM generate_series(1, 80000) i GROUP BY i;
SELECT check_linear_merge('many_period_states', 80000);
SELECT check_that((SELECT crm_period_cells(crm_state_merge(s)) FROM many_period_states)
                  = (SELECT crm_periods(i, date '1997-01-01' + (i % 200), 10.0::float8, 'month', '1997-01-01', 12)
                     FROM generate_series(1, 80000) i), '80 000 period states merged from bytes = one aggregate');
