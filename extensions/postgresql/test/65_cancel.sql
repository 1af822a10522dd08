-- A long fit stops when the query is cancelled (statement_timeout, pg_cancel_backend): the fits ask the
-- backend's cancel flag before every likelihood evaluation (fit_options::interrupt) and the glue then
-- raises the cancel (57014). A Pareto/NBD fit of 400 000 distinct rows ran to its end (137 s under a
-- 1 s timeout) before (found by an audit). PL/pgSQL's WHEN OTHERS does not catch a cancel, so the block
-- names query_canceled.
CREATE TEMP TABLE fit_rows AS
SELECT (i % 200)::float8 AS x, CASE WHEN i % 200 = 0 THEN 0 ELSE (i % 997) / 997.0 * 50 END AS tx, 50 + (i % 13)::float8 AS t
FROM generate_series(1, 400000) i;
SET statement_timeout = '500ms';
DO $$
DECLARE
  started timestamptz := clock_timestamp();
  cancelled boolean := false;
BEGIN
  BEGIN
    PERFORM (crm_fit_pareto_nbd(x, tx, t)).iterations FROM fit_rows;
  EXCEPTION WHEN query_canceled THEN
    cancelled := true;
  END;
  IF NOT cancelled THEN RAISE EXCEPTION 'check failed: the fit was not cancelled'; END IF;
  -- the rows are read and grouped before the fit (about 0.3 s here), then one evaluation at most
  IF clock_timestamp() - started > interval '15 s' THEN
    RAISE EXCEPTION 'check failed: the cancel took %', clock_timestamp() - started;
  END IF;
END
$$;
RESET statement_timeout;
-- the session goes on: the CDNOW fit answers (FHL 2005's estimates, as 30_aggregates_cdnow.sql checks)
SELECT check_that(abs((crm_fit_bg_nbd(x, t_x, big_t)).r - 0.243) < 1e-3, 'a fit after a cancelled one') FROM cdnow_summary;
