/* crm_metrics PostgreSQL extension: the C interface between the PostgreSQL glue (glue.c, plain C,
 * the only code that calls PostgreSQL's API) and the C++ library work (core.cpp, never calls
 * PostgreSQL). Every core function is noexcept: C++ exceptions are caught inside and come back as
 * a crm_pg_error, which glue.c turns into ereport(ERROR) with no C++ frame on the stack, so no
 * exception and no destructor ever meets PostgreSQL's longjmp.
 * SPDX-License-Identifier: MIT */
#ifndef CRM_PG_CORE_H
#define CRM_PG_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define CRM_PG_NOEXCEPT noexcept
extern "C" {
#else
#define CRM_PG_NOEXCEPT
#include <stdbool.h>
#endif

/* What went wrong; glue.c maps it to a SQLSTATE. */
enum crm_pg_status {
  CRM_PG_OK = 0,
  CRM_PG_BAD_INPUT = 1,     /* 22023 invalid_parameter_value */
  CRM_PG_BAD_STATE = 2,     /* 22P02 invalid_text_representation: a malformed serialized state */
  CRM_PG_OUT_OF_MEMORY = 3, /* 53200 */
  CRM_PG_OVERFLOW = 4,      /* 22003 numeric_value_out_of_range */
  CRM_PG_INTERNAL = 5,      /* XX000 */
  CRM_PG_CANCELED = 6,      /* 57014 query_canceled: a long call saw crm_pg_cancel_requested() */
  CRM_PG_NOT_SUPPORTED = 7  /* 0A000 feature_not_supported: a prediction from a fit on a boundary where the
                               library has no model to predict from (none since 2026-12-06: kept for the C glue) */
};

typedef struct crm_pg_error {
  int status;
  int prefix; /* a library error: the length of the message's "crm::<where>: " (glue.c may name the SQL
                 function there instead, crm_raise_as); else 0 */
  char message[480];
} crm_pg_error;

/* One argument of a metric: a float8, a bigint, or the text of a numeric. */
typedef union crm_pg_arg {
  double f;
  int64_t i;
  const char* text;
} crm_pg_arg;

/* ---- formula metrics (the table in metric_table.h) ---- */
/* Evaluates metric `metric` (an index into CRM_PG_METRICS). numeric = 0: money fields are
 * args[k].f and the result goes to *out_f; numeric = 1: money fields are args[k].text and the
 * result is written as text to out_text (capacity out_cap). Count fields are args[k].i. */
bool crm_pg_metric(int metric, int numeric, const crm_pg_arg* args, double* out_f, char* out_text, size_t out_cap,
                   crm_pg_error* err) CRM_PG_NOEXCEPT;

/* ---- result rows: every composite result crosses as one generic row ---- */
enum crm_pg_col_type {
  CRM_PG_NULL = 0, CRM_PG_INT8 = 1, CRM_PG_FLOAT8 = 2, CRM_PG_DATE = 3, CRM_PG_INT4 = 4, CRM_PG_NUMERIC = 5, CRM_PG_TEXT = 6,
  CRM_PG_FLOAT8_MATRIX = 7
};
typedef struct crm_pg_col {
  int type;  /* crm_pg_col_type; CRM_PG_DATE counts days since 1970-01-01 in i; CRM_PG_NUMERIC is the
                text of a number at offset i of the row's text, CRM_PG_TEXT a text there;
                CRM_PG_FLOAT8_MATRIX the i x i matrix in the row's `matrix` (row-major; one per row) */
  int64_t i;
  double f;
} crm_pg_col;
#define CRM_PG_MAX_COLS 20
#define CRM_PG_ROW_TEXT 1024
#define CRM_PG_MAX_PARAMETERS 4 /* crm::max_fit_parameters: the rows of a covariance matrix */
typedef struct crm_pg_row {
  int n;
  crm_pg_col col[CRM_PG_MAX_COLS];
  int text_used;
  char text[CRM_PG_ROW_TEXT];
  double matrix[CRM_PG_MAX_PARAMETERS * CRM_PG_MAX_PARAMETERS]; /* a CRM_PG_FLOAT8_MATRIX column's values */
} crm_pg_row;

/* ---- statistics (rows in the column order of the SQL types crm_estimate and crm_ab_result) ---- */
bool crm_pg_proportion_interval(int64_t successes, int64_t trials, double level, const char* method, crm_pg_row* out,
                                crm_pg_error* err) CRM_PG_NOEXCEPT;
bool crm_pg_nps_interval(int64_t promoters, int64_t passives, int64_t detractors, double level, crm_pg_row* out,
                         crm_pg_error* err) CRM_PG_NOEXCEPT;
bool crm_pg_ab_test(int64_t a_successes, int64_t a_trials, int64_t b_successes, int64_t b_trials, double level,
                    crm_pg_row* out, crm_pg_error* err) CRM_PG_NOEXCEPT;

/* ---- accumulator states (aggregates) ---- */
enum crm_pg_kind {
  CRM_PG_TOTALS = 1,    /* crm::order_totals_accumulator<double> */
  CRM_PG_CUSTOMERS = 2, /* crm::customer_accumulator<double> */
  CRM_PG_RFM = 3,       /* crm::rfm_accumulator<double> */
  CRM_PG_PERIODS = 4,   /* crm::period_accumulator<double> */
  CRM_PG_EMAIL = 5,     /* crm::email_accumulator<double> (revenue) */
  CRM_PG_NPS = 6,       /* crm::nps_accumulator */
  CRM_PG_CSAT = 7,      /* crm::csat_accumulator */
  CRM_PG_SPEND = 8,     /* crm::spend_accumulator<double> */
  CRM_PG_REPEAT = 9,    /* crm::repeat_purchase_accumulator<double>: purchases per customer only */
  CRM_PG_FIT = 100,     /* the extension's (x, t_x, T) -> weight table for model fits */
  /* or-ed into TOTALS, CUSTOMERS, RFM, PERIODS, SPEND, EMAIL, REPEAT: the accumulator over crm::decimal50 (money
   * from numeric, exact); its serialized state has number tag 4 */
  CRM_PG_DECIMAL = 0x1000
};

/* Options fixed for a whole aggregate (taken from the first row, checked on every row). */
typedef struct crm_pg_options {
  int32_t day;        /* rfm: calibration end; periods: first day of the horizon (days since 1970-01-01) */
  int32_t unit;       /* rfm: time unit in days; periods: 0 day, 1 week, 2 month, 3 quarter, 4 year */
  int32_t periods;    /* periods: number of periods */
  int32_t inactive;   /* periods: inactivity window in periods */
  int32_t end_day;    /* rfm: observation end (days since 1970-01-01) when holdout = 1 */
  int32_t holdout;    /* rfm: 1 with a holdout period up to end_day */
  int32_t lowest, highest, satisfied_from; /* csat: the scale */
} crm_pg_options;

/* One input row. */
typedef struct crm_pg_record {
  uint64_t customer;
  int64_t seconds; /* since 1970-01-01 UTC */
  double amount;   /* order amount, or e-mail revenue */
  const char* amount_text; /* the amount as the text of a numeric (CRM_PG_DECIMAL states) */
  uint32_t channel; /* spend */
  int32_t score;   /* NPS or CSAT answer; e-mail event kind */
  double x, tx, age; /* model fits */
  double weight;      /* model fits: customers the row stands for (> 0) */
} crm_pg_record;

void* crm_pg_state_new(int kind, const crm_pg_options* opt, crm_pg_error* err) CRM_PG_NOEXCEPT;
void crm_pg_state_free(void* state) CRM_PG_NOEXCEPT;
/* Adds the rows the state keeps back for a batch (core.cpp, acc_state::pending); false with the
 * error of an invalid one. Every core function that reads a state does it first. */
bool crm_pg_state_sync(void* state, crm_pg_error* err) CRM_PG_NOEXCEPT;
/* A copy of the state (its kept-back rows added first). */
void* crm_pg_state_clone(const void* state, crm_pg_error* err) CRM_PG_NOEXCEPT;
int crm_pg_state_kind(const void* state) CRM_PG_NOEXCEPT;
/* 0 when the options equal the state's, else fills err. */
bool crm_pg_state_check_options(const void* state, const crm_pg_options* opt, crm_pg_error* err) CRM_PG_NOEXCEPT;
bool crm_pg_state_add(void* state, const crm_pg_record* rec, crm_pg_error* err) CRM_PG_NOEXCEPT;
bool crm_pg_state_merge(void* state, const void* other, crm_pg_error* err) CRM_PG_NOEXCEPT;
/* Merges a serialized state into `state`, read straight from its bytes where the library can
 * (the RFM and period states: try_merge_serialized), else through crm_pg_state_read. The errors of
 * crm_pg_state_read for a bad buffer (CRM_PG_BAD_STATE) and of crm_pg_state_merge; on an error the
 * state is unchanged. */
bool crm_pg_state_merge_bytes(void* state, const void* bytes, size_t size, crm_pg_error* err) CRM_PG_NOEXCEPT;
/* The state read from the library's byte format; kind 0 accepts any kind. */
void* crm_pg_state_read(int kind, const void* bytes, size_t size, crm_pg_error* err) CRM_PG_NOEXCEPT;
/* Serializes into a buffer kept with the state (until the next add/merge) and returns its size. */
bool crm_pg_state_flatten(void* state, size_t* size, crm_pg_error* err) CRM_PG_NOEXCEPT;
/* Copies the bytes made by crm_pg_state_flatten. */
void crm_pg_state_copy_flat(const void* state, void* dest, size_t size) CRM_PG_NOEXCEPT;
/* Frees the bytes made by crm_pg_state_flatten. */
void crm_pg_state_drop_flat(void* state) CRM_PG_NOEXCEPT;
/* The bytes made by crm_pg_state_flatten while they are kept (NULL when none); *size their size. */
const void* crm_pg_state_flat_bytes(const void* state, size_t* size) CRM_PG_NOEXCEPT;
/* Bytes of C++ heap the accumulator holds (its memory_bytes(); 0 for a null state). */
size_t crm_pg_state_weight(const void* state) CRM_PG_NOEXCEPT;

/* ---- results of states (rows in the column order of the SQL result types). Money columns are
 * float8, or numeric (CRM_PG_NUMERIC) when `numeric` is 1; a state of either number type gives
 * either ---- */
enum crm_pg_result {
  CRM_PG_RESULT_ORDERS = 1, /* crm_orders_summary, from an order or totals state */
  CRM_PG_RESULT_NPS = 2,    /* crm_nps_result; param = confidence level */
  CRM_PG_RESULT_EMAIL = 3,  /* crm_email_result */
  CRM_PG_RESULT_BG_NBD = 4, /* crm_bg_nbd, fitted from a fit or RFM state */
  CRM_PG_RESULT_PARETO_NBD = 5,  /* crm_pareto_nbd, fitted from a fit or RFM state */
  CRM_PG_RESULT_GAMMA_GAMMA = 6, /* crm_gamma_gamma, fitted from an RFM state (its repeat customers) */
  CRM_PG_RESULT_CSAT = 7,   /* crm_csat_result; param = confidence level */
  CRM_PG_RESULT_SPEND = 8,  /* crm_spend_total: total spend, channels, periods */
  CRM_PG_RESULT_RFM = 9,    /* crm_rfm_totals: customers, holdout-only customers, returns, holdout duration */
  CRM_PG_RESULT_BG_BB = 10, /* crm_bg_bb, fitted from a fit state of (frequency, recency, periods) rows */
  CRM_PG_ROWS_RFM = 11,     /* crm_rfm_row per customer */
  CRM_PG_ROWS_COHORT = 12,  /* crm_cohort_cell per cohort and period offset */
  CRM_PG_ROWS_PERIOD = 13,  /* crm_period_row per period */
  CRM_PG_ROWS_SPEND_CHANNEL = 14, /* (channel, spend) per channel */
  CRM_PG_ROWS_SPEND_PERIOD = 15   /* (period, spend) per period */
};
bool crm_pg_state_result(const void* state, int what, int numeric, double param, crm_pg_row* out,
                         crm_pg_error* err) CRM_PG_NOEXCEPT;
/* Row sets: made by the core, read row by row by the glue, freed with crm_pg_rows_free. */
void* crm_pg_state_rows(const void* state, int what, int numeric, size_t* count, crm_pg_error* err) CRM_PG_NOEXCEPT;
/* Row i of a row set; every 65,536th row (row 0 included) first asks crm_pg_cancel_requested() and
 * fails with CRM_PG_CANCELED when the query is being cancelled. */
bool crm_pg_rows_get(const void* rows, size_t i, crm_pg_row* out, crm_pg_error* err) CRM_PG_NOEXCEPT;
void crm_pg_rows_free(void* rows) CRM_PG_NOEXCEPT;
/* Defined in glue.c: true when the backend has a query-cancel or termination request pending that
 * CHECK_FOR_INTERRUPTS would act on (the fits stop at their next likelihood evaluation;
 * fit_options::interrupt). The extension's own long loops ask it every 65,536 rows (core.cpp,
 * check_cancel: reading a row set, the fit state's rows when merged, serialized, read or fitted),
 * and the library's walks over a whole state about every 4096 customers (the thread's interrupt
 * hook, crm/core/interrupt.hpp, installed by core.cpp); either stops with CRM_PG_CANCELED and
 * glue.c then raises the request itself. */
bool crm_pg_cancel_requested(void) CRM_PG_NOEXCEPT;

/* ---- a fitted model as the prediction functions receive it: the composite of a fit (or one built by
 * hand), its parameter columns by name and its `boundary` column (docs/postgresql.md, "A fit on the
 * boundary") ---- */
#define CRM_PG_MODEL_FIELDS 6
typedef struct crm_pg_model {
  /* the parameter columns in the order of the model's type:
   * crm_bg_nbd r, alpha, a, b, p; crm_pareto_nbd r, alpha, s, beta, mu; crm_gamma_gamma p, q, gamma, scale;
   * crm_bg_bb alpha, beta, gamma, delta, theta, p; crm_sbg alpha, beta, theta; crm_bdw alpha, beta, c, theta, k, tau */
  double v[CRM_PG_MODEL_FIELDS];
  unsigned nulls;       /* bit k set: column k is NULL */
  const char* boundary; /* the boundary column (crm::to_string(fit_boundary)); NULL for an interior fit */
  /* the `covariance` column, read only by the interval functions: an n x n matrix, row-major (n = 0:
   * NULL, or not read) */
  int covariance_size;
  double covariance[CRM_PG_MAX_PARAMETERS * CRM_PG_MAX_PARAMETERS];
} crm_pg_model;

/* Every prediction below reads the model the composite describes: the full model for an interior fit
 * (boundary NULL), else the nested model the library predicts from at that boundary (the NBD at
 * a_to_zero, s_to_zero, beta_to_infinity; the homogeneous BG/NBD or Pareto/NBD at homogeneous_dropout,
 * homogeneous_death_rate; crm::gamma_gamma_nested at p_to_infinity, q_to_infinity; crm::beta_bernoulli
 * at bb_no_dropout, bb_homogeneous_dropout; crm::beta_geometric_bernoulli at bb_homogeneous_purchase,
 * bb_binomial; crm::discrete_weibull_churn at homogeneous_churn,
 * crm::power_law_survival at power_law_survival; at the corners their limits, crm::first_repeat_dropout_nbd at
 * b_to_zero and a_and_b_to_zero, crm::zero_inflated_nbd at s_and_beta_to_zero). *is_null is set when a column the model needs is NULL (the
 * SQL result is then NULL, as for a NULL argument). */

/* BG/NBD predictions: what 0 P(alive), 1 conditional expected purchases in the next t.
 * Gamma-Gamma (model = crm_gamma_gamma): what 2, the conditional expected average spend of a
 * customer with x repeat purchases of mean value `tx` (age and t unused) */
bool crm_pg_bg_nbd_predict(const crm_pg_model* model, int what, double x, double tx, double age, double t, double* out,
                           bool* is_null, crm_pg_error* err) CRM_PG_NOEXCEPT;

/* ---- CLV (crm::try_customer_lifetime_value): transaction model `kind` (0 BG/NBD, 1 Pareto/NBD,
 * 2 BG/BB with whole frequency, recency and age = periods), Gamma-Gamma `spend` for the expected
 * spend of a customer with `frequency` repeat purchases of mean value `average_spend`;
 * horizon: periods, period length (model time units), discount rate per period, margin ---- */
bool crm_pg_clv(int kind, const crm_pg_model* model, const crm_pg_model* spend, double frequency, double recency,
                double age, double average_spend, int64_t periods, double period_length, double discount_rate,
                double margin, double* out, bool* is_null, crm_pg_error* err) CRM_PG_NOEXCEPT;
/* Pareto/NBD predictions; what: 0 P(alive), 1 conditional expected purchases in the next t */
bool crm_pg_pareto_nbd_predict(const crm_pg_model* model, int what, double x, double tx, double age, double t,
                               double* out, bool* is_null, crm_pg_error* err) CRM_PG_NOEXCEPT;

/* BG/BB predictions, for a customer with x repeat transactions, the last at opportunity tx, of n
 * (whole numbers); what: 0 P(alive at opportunity n + t) (t whole), 1 conditional
 * expected purchases in the next t opportunities, 2 discounted expected residual transactions at
 * discount rate t */
bool crm_pg_bg_bb_predict(const crm_pg_model* model, int what, double x, double tx, double n, double t, double* out,
                          bool* is_null, crm_pg_error* err) CRM_PG_NOEXCEPT;

/* ---- prediction intervals (crm/models/intervals.hpp; docs/postgresql.md, "Prediction intervals"): a row
 * in the column order of crm_estimate (point, lower, upper, level). The estimate is
 * crm::try_parameter_estimate of the model the composite describes (the full model, or the nested one at
 * its boundary, as the predictions above) and of its `covariance` column (the covariance of that model's
 * natural parameters; a nested model's held parameters, e.g. BG/BB's theta = 0 at bb_no_dropout, have no
 * row); then the library's interval. kind: 0 BG/NBD, 1 Pareto/NBD (what 0 P(alive), 1 conditional
 * expected purchases in the next t, of a customer (x, tx, age)); 2 BG/BB (what 0 P(alive at opportunity
 * age + t), 1 conditional expected purchases in the next t opportunities, 2 DERT at discount rate t; x, tx,
 * age = periods, whole numbers); 3 Gamma-Gamma (what 0: conditional expected average spend of a customer with x repeat
 * purchases of mean value tx). method "delta" or "bootstrap" (crm::interval_options' 2000 draws, seed 42).
 * Errors: a NULL covariance ("covariance is NULL"), one of another size than the model's estimated
 * parameters, the library's (level outside (0, 1), a covariance not positive definite, ...), and the
 * predictions'. *is_null as for the
 * predictions. */
bool crm_pg_interval(int kind, const crm_pg_model* model, int what, double x, double tx, double age, double t, double level,
                     const char* method, crm_pg_row* out, bool* is_null, crm_pg_error* err) CRM_PG_NOEXCEPT;
/* The whole base's prediction with its interval (the `total` of crm::try_probability_alive_intervals and
 * crm::try_conditional_expected_purchases_intervals: the sum over the customers, each row counted `weight`
 * times, its interval accounting for the correlation through the shared parameters): of the rows of a fit
 * state (crm_fit_state) or, for BG/NBD and Pareto/NBD, of an RFM state (its customers' (x, t_x, T) as the fits
 * take them). kind as crm_pg_interval (0 BG/NBD, 1 Pareto/NBD, 2 BG/BB: rows of whole numbers); what 0 the
 * expected number of active customers (sum of P(alive)), 1 the expected purchases in the next t; level and
 * method as crm_pg_interval. Errors: crm_pg_interval's, the state's kind (CRM_PG_BAD_STATE), no rows; a
 * cancel before any evaluation of the predictions (CRM_PG_CANCELED). Row: crm_estimate. */
bool crm_pg_total_interval(int kind, const crm_pg_model* model, const void* state, int what, double t, double level,
                           const char* method, crm_pg_row* out, bool* is_null, crm_pg_error* err) CRM_PG_NOEXCEPT;
/* CLV with its interval (crm::try_customer_lifetime_value_interval): the arguments of crm_pg_clv, the
 * estimates of both composites (the transaction model's and the spend model's, independent: a
 * block-diagonal joint covariance), level and method as crm_pg_interval; a NULL covariance of the spend
 * model is "spend.covariance is empty ...". With `state` (an RFM state; kind 0 or 1) the whole base's CLV
 * instead, the total of crm::try_customer_lifetime_value_intervals over its customers (frequency, recency,
 * age, average_spend ignored): each customer's (x, t_x, T) and average spend of repeat purchases (0 without
 * any: the spend model's population mean), identical customers merged (crm::try_compress); a state with
 * repeat customers whose repeat purchases were all free is refused (out_of_range, "monetary_value": the
 * spend model refuses an average spend of 0 after repeat purchases). Row: crm_estimate. */
bool crm_pg_clv_interval(int kind, const crm_pg_model* model, const crm_pg_model* spend, const void* state, double frequency,
                         double recency, double age, double average_spend, int64_t periods, double period_length, double discount_rate,
                         double margin, double level, const char* method, crm_pg_row* out, bool* is_null,
                         crm_pg_error* err) CRM_PG_NOEXCEPT;

/* ---- contractual retention: crm::sbg (weibull = 0, params alpha, beta) and crm::bdw (weibull = 1,
 * params alpha, beta, c) ---- */
/* Fit to `cohorts` cohorts' survivors at periods 0, 1, ...: cohort i has lengths[i] counts, one after
 * another in `survivors`. Row: the parameters, their standard errors (same order), log-likelihood,
 * customers, iterations, then the boundary columns of crm_sbg / crm_bdw (docs/postgresql.md). */
bool crm_pg_fit_contract(int weibull, const int64_t* survivors, const size_t* lengths, size_t cohorts, crm_pg_row* out,
                         crm_pg_error* err) CRM_PG_NOEXCEPT;
/* what: 0 survival S(t), 1 churn probability P(T = t), 2 retention rate r(t) (t = n for these),
 * 3 expected lifetime, 7 expected lifetime over n periods, 4 DEL(d), 5 DERL(n renewals, d),
 * 6 residual lifetime value (n renewals, d, margin) */
bool crm_pg_contract_value(int weibull, const crm_pg_model* model, int what, int64_t n, double d, double margin,
                           double* out, bool* is_null, crm_pg_error* err) CRM_PG_NOEXCEPT;
/* The value `what` of crm_pg_contract_value (n, d, margin as there) with its interval: S(t) and r(t) by
 * crm::try_survival_interval and crm::try_retention_rate_interval, the others by crm::try_prediction_interval
 * of the same value, P(T = t) on the logit scale, lifetimes and values on the log scale; the estimate of the
 * model the composite describes from its covariance, level and method as crm_pg_interval. Row: crm_estimate. */
bool crm_pg_contract_interval(int weibull, const crm_pg_model* model, int what, int64_t n, double d, double margin, double level,
                              const char* method, crm_pg_row* out, bool* is_null, crm_pg_error* err) CRM_PG_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#endif
