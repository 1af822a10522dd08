-- A call over a whole state stops at a cancel (statement_timeout, pg_cancel_backend): reading a state
-- from its bytes, a walk over it, merging one into another from its bytes, writing one out. The
-- library's walks over a state ask the backend's cancel flag through the thread's interrupt hook
-- (crm/core/interrupt.hpp; core.cpp installs it) about once per 4096 customers and leave with
-- crm::interrupted; glue.c then raises the cancel (57014). Before, each such call ran to its end
-- (found by an audit): crm_rfm_totals of an RFM state of 2 million customers ran on for what was
-- left of its 0.3 s, a merge of two such states up to 1 s past the timeout.
--
-- How it is checked: each query is first run whole three times (its time d: the shortest, so that a
-- stall of the shared machine cannot stretch it), then under statement_timeouts of d/8, 2d/8, 3d/8
-- and d/2, which land inside its calls; at least three of the four must be cancelled, and the median
-- of the times it ran past its timeout must be under d/4 (a median: one stall does not count). Code
-- that runs to the end of the call is past a timeout of k d/8 by (8 - k) d/8 >= d/2, so it fails by
-- a wide margin. (The first version timed one whole run, went to 7d/8 and allowed d/8: in a CI run
-- beside a compiler one whole run took 4 s and the later ones under 1 s, so most timeouts came after
-- the end; and d/8 of a 0.23 s call is 29 ms, one scheduling delay on a loaded 2-core machine.)
-- Measured on a 2-core VM under a load of 3 (d 0.2 to 0.7 s): medians 0.000 to 0.001 s; before, 0.08
-- to 0.18 s (from 2 to 5 times d/8). The states are stored uncompressed: PostgreSQL's own
-- decompression of a 100 MB value is not cancellable and is no part of what is measured (its copy
-- out of the table, about 0.1 s here, is not cancellable either).
CREATE TEMP TABLE whole_states (kind text, s bytea);
ALTER TABLE whole_states ALTER s SET STORAGE EXTERNAL;
INSERT INTO whole_states
SELECT 'rfm', crm_rfm_state(i % 2000000, date '2020-01-01' + (i::int8 * 7919 % 997)::int, 1.0::float8 + i % 7, '2023-01-01', 7)
FROM generate_series(1, 3000000) i;
INSERT INTO whole_states
SELECT 'cohort', crm_cohort_state(i % 2000000, date '2020-01-01' + (i % 997), 1.0::float8, 'month', '2020-01-01', 36)
FROM generate_series(1, 2500000) i;

CREATE TEMP TABLE whole_calls (query text PRIMARY KEY, seconds float8);
CREATE TEMP TABLE cancelled_calls (query text, timeout_ms int, cancelled boolean, past_timeout float8);
CREATE TEMP TABLE probed (query text PRIMARY KEY);
INSERT INTO probed VALUES
  -- one call each: a state read from its bytes, then a walk over it (customers(), stats())
  ('SELECT (crm_rfm_totals(s)).customers FROM whole_states WHERE kind = ''rfm'''),
  ('SELECT count(*) FROM whole_states, crm_period_rows(s) WHERE kind = ''cohort'''),
  -- a state read, a second merged into it from its bytes, the merged one written out
  ('SELECT length(crm_state_merge(s)) FROM whole_states, generate_series(1, 2) WHERE kind = ''rfm''');

-- each query run whole (after one run that warms the caches): its shortest time of three, in seconds
-- (an attempt starts afresh: both tables emptied)
CREATE FUNCTION pg_temp.time_whole_calls() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  q text;
  best float8;
  r record;
BEGIN
  TRUNCATE whole_calls, cancelled_calls;
  FOR q IN SELECT query FROM probed LOOP
    EXECUTE q;
    best := 'Infinity';
    FOR i IN 1..3 LOOP
      SELECT * INTO r FROM run_cancellable(q);
      best := least(best, r.seconds);
    END LOOP;
    INSERT INTO whole_calls VALUES (q, best);
  END LOOP;
END $$;
-- the timed runs: SET statement_timeout, then the query, each a statement of its own (\gexec)
CREATE TEMP VIEW timed_runs AS
SELECT format('SET statement_timeout = %s', t) AS set_timeout,
       format('INSERT INTO cancelled_calls SELECT %L, %s, cancelled, seconds - %s FROM run_cancellable(%L)',
              query, t, t / 1000.0, query) AS run
FROM whole_calls, LATERAL (SELECT greatest(1, round(1000 * seconds * k / 8))::int AS t FROM generate_series(1, 4) k) x
ORDER BY query, t;
-- per query: how often cancelled, and the median time past the timeout
CREATE TEMP VIEW verdicts AS
SELECT w.query, w.seconds,
       count(*) FILTER (WHERE c.cancelled) AS cancels,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY c.past_timeout) AS median_past,
       string_agg(round(c.past_timeout::numeric, 2)::text, ', ' ORDER BY c.timeout_ms) AS past
FROM whole_calls w JOIN cancelled_calls c USING (query) GROUP BY w.query, w.seconds;

-- Up to three attempts: a stall of the shared machine fails one attempt (a CI run's compilers beside
-- this test once kept crm_rfm_totals running 0.8 to 2 s past three of its four timeouts; it passed on
-- a rerun), code that runs to the end of its call fails every one by a wide margin. Each attempt
-- measures d again; an attempt after one that passed does nothing.
CREATE FUNCTION pg_temp.passed() RETURNS boolean LANGUAGE sql AS
  $$ SELECT coalesce((SELECT bool_and(cancels >= 3 AND median_past < seconds / 4) FROM verdicts), false) $$;
SELECT pg_temp.time_whole_calls() WHERE NOT pg_temp.passed();
SELECT set_timeout, run FROM timed_runs WHERE NOT pg_temp.passed() \gexec
RESET statement_timeout;
SELECT pg_temp.time_whole_calls() WHERE NOT pg_temp.passed();
SELECT set_timeout, run FROM timed_runs WHERE NOT pg_temp.passed() \gexec
RESET statement_timeout;
SELECT pg_temp.time_whole_calls() WHERE NOT pg_temp.passed();
SELECT set_timeout, run FROM timed_runs WHERE NOT pg_temp.passed() \gexec
RESET statement_timeout;

-- the last attempt's verdicts
SELECT check_that(cancels >= 3, format('%s cancelled %s times of 4 (whole: %s s)', query, cancels, seconds)) FROM verdicts;
SELECT check_that(median_past < seconds / 4,
                  format('%s ran past its timeouts by %s s (whole: %s s)', query, past, round(seconds::numeric, 2)))
FROM verdicts;

-- the session goes on: the states read whole after the cancels
SELECT check_that((SELECT (crm_rfm_totals(s)).customers FROM whole_states WHERE kind = 'rfm') = 2000000, 'an RFM state read after the cancels');
