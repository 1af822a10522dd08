-- A long fit stops when the query is cancelled (statement_timeout, pg_cancel_backend): the fits ask the
-- backend's cancel flag before every likelihood evaluation (fit_options::interrupt) and the glue then
-- raises the cancel (57014). A Pareto/NBD fit of 400 000 distinct rows ran to its end (137 s under a
-- 1 s timeout) before (found by an audit). run_cancellable (data.sql) runs a query and catches the cancel.
-- (t_x > 0 for every repeater: a repeat purchase at recency 0 is refused by the fit before it starts.)
CREATE TEMP TABLE fit_rows AS
SELECT (i % 200)::float8 AS x, CASE WHEN i % 200 = 0 THEN 0 ELSE (1 + i % 997) / 998.0 * 50 END AS tx, 50 + (i % 13)::float8 AS t
FROM generate_series(1, 400000) i;
SET statement_timeout = '500ms';
DO $$
DECLARE
  r record;
BEGIN
  SELECT * INTO r FROM run_cancellable('SELECT (crm_fit_pareto_nbd(x, tx, t)).iterations FROM fit_rows');
  IF NOT r.cancelled THEN RAISE EXCEPTION 'check failed: the fit was not cancelled'; END IF;
  -- the rows are read and grouped before the fit (about 0.3 s here), then one evaluation at most
  IF r.seconds > 15 THEN RAISE EXCEPTION 'check failed: the cancel took % s', r.seconds; END IF;
END
$$;
RESET statement_timeout;
-- the session goes on: the CDNOW fit answers (FHL 2005's estimates, as 30_aggregates_cdnow.sql checks)
SELECT check_that(abs((crm_fit_bg_nbd(x, t_x, big_t)).r - 0.243) < 1e-3, 'a fit after a cancelled one') FROM cdnow_summary;

-- The rows of a state stop at a cancel too: the row set is read with the cancel flag asked every
-- 65,536 rows (core.cpp, check_cancel). A daily cohort matrix of 4096 periods has 8.4 million cells
-- from a state of 8192 customers built in 0.1 s; under a 200 ms timeout its rows ran to their end
-- before (1.6 to 2.5 s on a 2-core VM for either function; found by an audit). One DO block per
-- query: statement_timeout counts from the start of the top-level statement.
CREATE TEMP TABLE daily_cohorts AS
SELECT crm_cohort_state(i, date '2000-01-01' + (i % 4096), 1.0::float8, 'day', '2000-01-01', 4096) AS s
FROM generate_series(1, 8192) i;
CREATE FUNCTION check_cancelled(query text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  SELECT * INTO r FROM run_cancellable(query);
  IF NOT r.cancelled THEN RAISE EXCEPTION 'check failed: % was not cancelled', query; END IF;
  -- the matrix and its cells are made before the first row is read (0.25 s here), then 65,536 rows at most
  IF r.seconds > 1 THEN RAISE EXCEPTION 'check failed: the cancel of % took % s', query, r.seconds; END IF;
END $$;
SET statement_timeout = '200ms';
SELECT check_cancelled('SELECT count(*) FROM daily_cohorts, crm_cohort_rows_numeric(s)');
SELECT check_cancelled('SELECT cardinality(crm_cohort_cells_numeric(s)) FROM daily_cohorts');
RESET statement_timeout;
SELECT check_that((SELECT count(*) FROM daily_cohorts, crm_cohort_rows(s) WHERE cohort = '2000-01-01') = 4096, 'rows after a cancelled read');
