-- Setup of the crm_metrics tests (run once by scripts/test-postgresql.sh before the numbered files):
-- the extension, the tables the data is loaded into, two assertion helpers and a cancel probe.
CREATE EXTENSION crm_metrics;

-- CDNOW_sample.txt (customer = the sample id 1..2357 of the published summaries)
CREATE TABLE cdnow (customer bigint NOT NULL, day date NOT NULL, cds int NOT NULL, amount float8 NOT NULL);
-- cdnow_customers_summary_with_transactions.csv: the lifetimes summary at 1997-09-30 in weeks
CREATE TABLE cdnow_summary (customer bigint PRIMARY KEY, x float8, t_x float8, big_t float8, zbar float8);

-- donations.csv (Fader, Hardie & Shang 2010): the 11,104 donors of 1995 as 22 weighted
-- (frequency, recency, periods) rows, periods = 6 opportunities (1996-2001)
CREATE TABLE donations (frequency bigint, recency bigint, periods bigint, weight float8);

-- scripts/data/homogeneous_bg_nbd.csv, homogeneous_pareto_nbd.csv: 300 customers each generated from
-- BG/NBD (r 0.5, alpha 2, a 3e5, b 7e5) and Pareto/NBD (r 0.5, alpha 2, s 1e6, beta 2e7), one drop-out
-- probability or death rate for everyone (tests/models_homogeneous_test.cpp)
CREATE TABLE homogeneous_bg (x float8, t_x float8, big_t float8);
CREATE TABLE homogeneous_pareto (x float8, t_x float8, big_t float8);

-- check(ok, what): raises with `what` unless ok is true.
CREATE FUNCTION check_that(ok boolean, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN RAISE EXCEPTION 'check failed: %', what; END IF;
END $$;

-- check_error(sql, sqlstate, message): `sql` must raise an error with this SQLSTATE and, when
-- message is not NULL, exactly this message.
CREATE FUNCTION check_error(sql text, state text, message text DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  got_state text;
  got_message text;
BEGIN
  BEGIN
    EXECUTE sql;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS got_state = RETURNED_SQLSTATE, got_message = MESSAGE_TEXT;
  END;
  IF got_state IS NULL THEN RAISE EXCEPTION 'check failed: no error from %', sql; END IF;
  IF got_state <> state OR (message IS NOT NULL AND got_message <> message) THEN
    RAISE EXCEPTION 'check failed: % gave % "%", expected % "%"', sql, got_state, got_message, state, message;
  END IF;
END $$;

-- run_cancellable(sql): runs `sql` and says whether it was cancelled (statement_timeout,
-- pg_cancel_backend) and how many seconds it ran. PL/pgSQL's WHEN OTHERS does not catch a cancel, so
-- the block names query_canceled. (65_cancel.sql and 66_cancel_whole_states.sql.)
CREATE FUNCTION run_cancellable(sql text, OUT cancelled boolean, OUT seconds float8) LANGUAGE plpgsql AS $$
DECLARE
  started timestamptz := clock_timestamp();
BEGIN
  cancelled := false;
  BEGIN
    EXECUTE sql;
  EXCEPTION WHEN query_canceled THEN
    cancelled := true;
  END;
  seconds := extract(epoch FROM clock_timestamp() - started);
END $$;
