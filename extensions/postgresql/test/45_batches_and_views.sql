-- The two fast paths of the aggregates (docs/postgresql.md, "Where the time goes"):
-- 1. rows kept back for a batch: after a state's first 4096 rows, the accumulators with a customer
--    table (orders, RFM, cohorts) take rows 256 at a time through the library's batch add, which
--    prefetches the customers' slots (src/core.cpp, acc_state::pending). The rows are added in the
--    same order, so the state must be the one that adding them one at a time gives; an invalid row
--    must still be an error of its aggregate. (CDNOW's 69 659 orders in 30_aggregates_cdnow.sql go
--    through batches too and equal the published summaries.)
-- 2. crm_state_final: a crm_*_state aggregate returns a view of its running state, which a result
--    function of the same query reads in place, without serializing it (src/glue.c).
-- Amounts are multiples of 1/4, so every sum is exact whatever the order of addition.
CREATE TABLE gen AS
  SELECT (i * 2654435761 % 4001)::bigint AS customer, ('2023-01-01'::date + (i * 7 % 730)) AS day,
         ((i * 37 % 10000) / 4.0)::float8 AS amount, i
  FROM generate_series(1, 60000) i;

-- 1. A state per customer never holds back a row (a dozen rows each); merged, the per-customer
-- states must equal the state of all rows in one aggregate (batched). Hashed grouping feeds each
-- group its rows in scan order.
SET enable_sort = off;
SELECT check_that(
  (SELECT array_agg(r::text ORDER BY r.customer) FROM crm_rfm_rows((SELECT crm_rfm_state(customer, day, amount, '2024-12-31', 1) FROM gen)) r)
  = (SELECT array_agg(r::text ORDER BY r.customer)
     FROM crm_rfm_rows((SELECT crm_state_merge(s) FROM (SELECT crm_rfm_state(customer, day, amount, '2024-12-31', 1) s
                                                        FROM gen GROUP BY customer) x)) r),
  'rfm: batched rows = rows one at a time');
SELECT check_that(
  (SELECT array_agg(r::text ORDER BY r.customer)
   FROM crm_rfm_rows((SELECT crm_rfm_state(customer, day, amount, '2023-12-31', '2024-12-31', 7) FROM gen)) r)
  = (SELECT array_agg(r::text ORDER BY r.customer)
     FROM crm_rfm_rows((SELECT crm_state_merge(s) FROM (SELECT crm_rfm_state(customer, day, amount, '2023-12-31', '2024-12-31', 7) s
                                                        FROM gen GROUP BY customer) x)) r),
  'rfm with holdout: batched rows = rows one at a time');
SELECT check_that(
  (SELECT crm_orders(customer, day, amount) FROM gen)
  = (SELECT crm_orders_result(crm_state_merge(s)) FROM (SELECT crm_orders_state(customer, day, amount) s FROM gen GROUP BY customer) x),
  'orders: batched rows = rows one at a time');
SELECT check_that(
  (SELECT array_agg(c::text ORDER BY c.cohort, c.period_offset) FROM unnest((SELECT crm_cohorts(customer, day, amount, 'month', '2023-01-01', 24) FROM gen)) c)
  = (SELECT array_agg(c::text ORDER BY c.cohort, c.period_offset)
     FROM crm_cohort_rows((SELECT crm_state_merge(s) FROM (SELECT crm_cohort_state(customer, day, amount, 'month', '2023-01-01', 24) s
                                                           FROM gen GROUP BY customer) x)) c),
  'cohorts: batched rows = rows one at a time');
RESET enable_sort;

-- An invalid row held back in a batch is an error of its aggregate (22023, the library's message),
-- wherever it falls: in a full batch, in the last partial batch, or read by nothing but IS NULL.
SELECT check_error($$SELECT crm_rfm_state(customer, day, CASE WHEN i = 9000 THEN 'NaN' ELSE amount END, '2024-12-31', 1) IS NULL FROM gen$$,
                   '22023', 'crm::rfm_accumulator: amount is not finite (NaN or infinity)');
SELECT check_error($$SELECT crm_rfm_state(customer, day, CASE WHEN i = 60000 THEN 'Infinity' ELSE amount END, '2024-12-31', 1) IS NULL FROM gen$$,
                   '22023', 'crm::rfm_accumulator: amount is not finite (NaN or infinity)');
SELECT check_error($$SELECT * FROM crm_rfm_rows((SELECT crm_rfm_state(customer, day, CASE WHEN i = 59999 THEN 'NaN' ELSE amount END, '2024-12-31', 1) FROM gen))$$,
                   '22023', 'crm::rfm_accumulator: amount is not finite (NaN or infinity)');
SELECT check_error($$SELECT crm_orders(customer, CASE WHEN i = 30000 THEN '1850-01-01' ELSE day END, amount) FROM gen$$, '22023');
SELECT check_error($$SELECT crm_cohorts(customer, day, CASE WHEN i = 50001 THEN 'NaN' ELSE amount END, 'month', '2023-01-01', 24) FROM gen$$,
                   '22023', 'crm::period_accumulator: amount is not finite (NaN or infinity)');
-- the same with parallel workers: the partial states are flattened, which adds the held rows first
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
ALTER TABLE gen SET (parallel_workers = 2);
SELECT check_error($$SELECT crm_rfm_state(customer, day, CASE WHEN i = 59000 THEN 'NaN' ELSE amount END, '2024-12-31', 1) IS NULL FROM gen$$,
                   '22023', 'crm::rfm_accumulator: amount is not finite (NaN or infinity)');
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- 2. Views: a result function over the aggregate itself reads the running state; the rows equal
-- those read from the state's bytes (the scalar subquery copies the state, which flattens it).
SELECT check_that(
  (SELECT array_agg(r::text ORDER BY r.customer) FROM (SELECT (crm_rfm_rows(crm_rfm_state(customer, day, amount, '2024-12-31', 1))).* FROM gen) r)
  = (SELECT array_agg(r::text ORDER BY r.customer) FROM crm_rfm_rows((SELECT crm_rfm_state(customer, day, amount, '2024-12-31', 1) FROM gen)) r),
  'rfm rows of the running state = rows of its bytes');
-- a view is valid while its group is: sorted grouping resets each group's state after its row is
-- consumed; the results equal those of hashed grouping, whose states all live to the end
CREATE TABLE by_group_hashed AS
  SELECT customer % 7 AS g, crm_rfm_totals(crm_rfm_state(customer, day, amount, '2024-12-31', 1)) t,
         crm_rfm_state(customer, day, amount, '2024-12-31', 1) s
  FROM gen GROUP BY 1;
SET enable_hashagg = off;
-- (the bytes of a state depend on the order its rows came in; its rows do not)
CREATE FUNCTION rows_text(s bytea) RETURNS text LANGUAGE sql AS
  $$ SELECT string_agg(r::text, ';' ORDER BY r.customer) FROM crm_rfm_rows(s) r $$;
SELECT check_that((SELECT array_agg(t::text || rows_text(s) ORDER BY g) FROM by_group_hashed)
                  = (SELECT array_agg(t::text || rows_text(s) ORDER BY g)
                     FROM (SELECT customer % 7 AS g, crm_rfm_totals(crm_rfm_state(customer, day, amount, '2024-12-31', 1)) t,
                                  crm_rfm_state(customer, day, amount, '2024-12-31', 1) s
                           FROM gen GROUP BY 1) x),
                  'sorted grouping: each group''s view read and stored before the next group');
-- views given to crm_state_merge (its first state is a copy of the accumulator, the others merge
-- from it in place), sorted and hashed
SELECT check_that((SELECT array_agg(r::text ORDER BY r.customer) FROM crm_rfm_rows(
                     (SELECT crm_state_merge(s) FROM (SELECT crm_rfm_state(customer, day, amount, '2024-12-31', 1) s FROM gen GROUP BY customer % 7) x)) r)
                  = (SELECT array_agg(r::text ORDER BY r.customer) FROM crm_rfm_rows((SELECT crm_rfm_state(customer, day, amount, '2024-12-31', 1) FROM gen)) r),
                  'merge of views (sorted grouping) = the whole');
RESET enable_hashagg;
SELECT check_that((SELECT crm_orders_result(crm_state_merge(s)) FROM (SELECT crm_orders_state(customer, day, amount) s FROM gen GROUP BY customer % 7) x)
                  = (SELECT crm_orders(customer, day, amount) FROM gen),
                  'merge of views (hashed grouping) = the whole');
-- crm_state_merge ends with the same view: its rows read in place equal those of its bytes
SELECT check_that((SELECT array_agg(r::text ORDER BY r.customer)
                   FROM (SELECT (crm_rfm_rows(crm_state_merge(s))).* FROM by_group_hashed) r)
                  = (SELECT array_agg(r::text ORDER BY r.customer) FROM crm_rfm_rows((SELECT crm_state_merge(s) FROM by_group_hashed)) r),
                  'crm_state_merge: rows of the running state = rows of its bytes');
-- the stored (flattened) views merge to the whole too
SELECT check_that((SELECT array_agg(r::text ORDER BY r.customer) FROM crm_rfm_rows((SELECT crm_state_merge(s) FROM by_group_hashed)) r)
                  = (SELECT array_agg(r::text ORDER BY r.customer) FROM crm_rfm_rows((SELECT crm_rfm_state(customer, day, amount, '2024-12-31', 1) FROM gen)) r),
                  'stored views merge to the whole');
DROP TABLE by_group_hashed;
DROP TABLE gen;
