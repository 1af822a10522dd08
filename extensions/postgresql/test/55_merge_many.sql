-- Merging many small states takes time linear in their number. On a 2-core VM, crm_state_merge of
-- 10 000 and 40 000 one-customer RFM states stored as bytes took 0.15 s and 3.8-3.9 s (25 times the
-- time for 4 times the states), and from a GROUP BY in the same query 0.07 s and 0.38-0.40 s (the
-- GROUP BY's own 0.05 s included): the library's merge from bytes walked the whole merged table for
-- every state, and its customer table was rebuilt for the exact count every few dozen merges (found
-- by an audit; docs/performance.md). Now 6 ms and 18-23 ms from bytes, 0.017 s and 0.06-0.08 s from
-- the GROUP BY. Checked as a ratio of the two sizes, which does not depend on the machine's speed:
-- quadratic work takes 16 times as long for 4 times the states, linear work 4 times.
CREATE TEMP TABLE many_orders AS
SELECT (i % 40000) + 1 AS customer, date '1997-01-01' + (i % 200) AS day, 10.0::float8 + i % 7 AS amount
FROM generate_series(0, 79999) i;
CREATE TEMP TABLE many_states AS
SELECT customer, crm_rfm_state(customer, day, amount, '1997-09-30', 7) AS s FROM many_orders GROUP BY customer;
DO $$
DECLARE
  started timestamptz;
  small interval;
  large interval;
BEGIN
  PERFORM crm_state_merge(s) FROM many_states WHERE customer <= 10000;  -- warm the cache and the plan
  started := clock_timestamp();
  PERFORM crm_state_merge(s) FROM many_states WHERE customer <= 10000;
  small := clock_timestamp() - started;
  started := clock_timestamp();
  PERFORM crm_state_merge(s) FROM many_states;
  large := clock_timestamp() - started;
  IF large > 8 * small + interval '0.25 s' THEN
    RAISE EXCEPTION 'check failed: merging 40 000 states took % and 10 000 took %', large, small;
  END IF;
END
$$;
-- the merged states, from bytes and in memory, give the rows of one aggregate over all the orders
CREATE TEMP TABLE many_direct AS SELECT * FROM crm_rfm_rows((SELECT crm_rfm_state(customer, day, amount, '1997-09-30', 7) FROM many_orders));
SELECT check_that((SELECT count(*) FROM many_direct) = 40000, 'every customer has a row');
SELECT check_that(NOT EXISTS (SELECT * FROM crm_rfm_rows((SELECT crm_state_merge(s) FROM many_states)) EXCEPT SELECT * FROM many_direct)
                  AND NOT EXISTS (SELECT * FROM many_direct EXCEPT SELECT * FROM crm_rfm_rows((SELECT crm_state_merge(s) FROM many_states))),
                  '40 000 states merged from bytes = one aggregate');
SELECT check_that(NOT EXISTS (SELECT * FROM crm_rfm_rows((SELECT crm_state_merge(s) FROM
                    (SELECT crm_rfm_state(customer, day, amount, '1997-09-30', 7) s FROM many_orders GROUP BY customer) q))
                  EXCEPT SELECT * FROM many_direct), '40 000 states merged in memory = one aggregate');
