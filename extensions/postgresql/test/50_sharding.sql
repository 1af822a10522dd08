-- Sharding as Citus does it, simulated: the CDNOW orders split into 4 tables by a hash of the
-- customer, and in a second scheme into 4 tables by date; per shard the partial state (bytea: the
-- library's serialized bytes), then crm_state_merge of the 4 parts, equal to the state of the whole.
DO $$
DECLARE k int;
BEGIN
  FOR k IN 0 .. 3 LOOP
    EXECUTE format('CREATE TABLE shard_hash_%s AS SELECT * FROM cdnow WHERE abs(hashint8(customer)) %% 4 = %s', k, k);
    EXECUTE format('CREATE TABLE shard_date_%s AS SELECT * FROM cdnow WHERE day >= %L::date + 140 * %s AND day < %L::date + 140 * %s',
                   k, '1997-01-01', k, '1997-01-01', k + 1);
  END LOOP;
END $$;
SELECT check_that((SELECT count(*) FROM shard_hash_0) + (SELECT count(*) FROM shard_hash_1) + (SELECT count(*) FROM shard_hash_2)
                  + (SELECT count(*) FROM shard_hash_3) = (SELECT count(*) FROM cdnow)
                  AND (SELECT count(*) FROM shard_date_0) + (SELECT count(*) FROM shard_date_1) + (SELECT count(*) FROM shard_date_2)
                  + (SELECT count(*) FROM shard_date_3) = (SELECT count(*) FROM cdnow), 'shards partition the orders');

-- the partial states of every shard, as a worker would ship them
CREATE TABLE parts (scheme text, shard int, orders bytea, rfm bytea, cohort bytea);
DO $$
DECLARE
  k int;
  scheme text;
BEGIN
  FOREACH scheme IN ARRAY ARRAY['hash', 'date'] LOOP
    FOR k IN 0 .. 3 LOOP
      EXECUTE format($q$INSERT INTO parts
        SELECT %L, %s, crm_orders_state(customer, day, amount),
               crm_rfm_state(customer, day, amount, '1997-09-30', 7) FILTER (WHERE day <= '1997-09-30'),
               crm_cohort_state(customer, day, amount, 'month', '1997-01-01', 18)
        FROM shard_%s_%s$q$, scheme, k, scheme, k);
    END LOOP;
  END LOOP;
END $$;
SELECT check_that(bool_and(substring(orders FROM 1 FOR 4) = 'CRMA'::bytea AND substring(cohort FROM 1 FOR 4) = 'CRMA'::bytea),
                  'states are the library''s frames') FROM parts;

CREATE TABLE whole AS
  SELECT crm_orders_state(customer, day, amount) AS orders,
         crm_rfm_state(customer, day, amount, '1997-09-30', 7) FILTER (WHERE day <= '1997-09-30') AS rfm,
         crm_cohort_state(customer, day, amount, 'month', '1997-01-01', 18) AS cohort
  FROM cdnow;

CREATE FUNCTION rows_text(q text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE out text[];
BEGIN
  EXECUTE format('SELECT array_agg(r::text ORDER BY r::text) FROM (%s) r', q) INTO out;
  RETURN out;
END $$;

DO $$
DECLARE sch text;
BEGIN
  FOREACH sch IN ARRAY ARRAY['hash', 'date'] LOOP
    -- counts exact; revenue (a float sum) to 6 decimals
    PERFORM check_that(
      (SELECT (m.orders, m.customers, m.repeat_customers, round(m.revenue::numeric, 6), m.purchase_frequency, m.repeat_purchase_share)
              = (w.orders, w.customers, w.repeat_customers, round(w.revenue::numeric, 6), w.purchase_frequency, w.repeat_purchase_share)
       FROM (SELECT (crm_orders_result(crm_state_merge(orders))).* FROM parts WHERE parts.scheme = sch) m,
            (SELECT (crm_orders_result(orders)).* FROM whole) w), sch || ': merged order states equal the whole');
    -- RFM: by date, customers are split across shards (interleaved days): the merge stays exact
    PERFORM check_that(
      rows_text(format($q$SELECT customer, frequency, recency, "T", round(monetary_value::numeric, 6)
                          FROM crm_rfm_rows((SELECT crm_state_merge(rfm) FROM parts WHERE scheme = %L))$q$, sch))
      = rows_text($q$SELECT customer, frequency, recency, "T", round(monetary_value::numeric, 6) FROM crm_rfm_rows((SELECT rfm FROM whole))$q$),
      sch || ': merged RFM states equal the whole');
    PERFORM check_that(
      rows_text(format($q$SELECT cohort, period_offset, cohort_size, active, round(revenue::numeric, 6)
                          FROM crm_cohort_rows((SELECT crm_state_merge(cohort) FROM parts WHERE scheme = %L))$q$, sch))
      = rows_text($q$SELECT cohort, period_offset, cohort_size, active, round(revenue::numeric, 6) FROM crm_cohort_rows((SELECT cohort FROM whole))$q$),
      sch || ': merged cohort states equal the whole');
  END LOOP;
END $$;
-- and the merged RFM summary is still the published one
SELECT check_that(count(*) = 2357, 'merged by date: the lifetimes summary')
FROM crm_rfm_rows((SELECT crm_state_merge(rfm) FROM parts WHERE scheme = 'date')) r JOIN cdnow_summary s USING (customer)
WHERE r.frequency = s.x AND round(r.recency::numeric, 2) = round(s.t_x::numeric, 2) AND round(r."T"::numeric, 2) = round(s.big_t::numeric, 2)
  AND round(r.monetary_value::numeric, 2) = round(s.zbar::numeric, 2);
-- merge order does not matter
SELECT check_that((SELECT crm_orders_result(crm_state_merge(orders ORDER BY shard DESC)) FROM parts WHERE scheme = 'hash')
                  = (SELECT crm_orders_result(crm_state_merge(orders ORDER BY shard)) FROM parts WHERE scheme = 'hash'), 'merge order');
