/* crm_metrics PostgreSQL extension: the PostgreSQL side (fmgr entry points, errors, memory,
 * aggregate states). Plain C: no C++ object lives in any frame that can meet ereport's longjmp.
 * The C++ work happens in core.cpp behind the noexcept functions of core.h; an error comes back as
 * a crm_pg_error and is raised here (crm_raise) after the C++ call has returned.
 *
 * Aggregate states are bytea values in the library's serialized format (docs/aggregation.md,
 * "Serialized states"). While an aggregate runs, the state is a PostgreSQL *expanded object* of
 * type bytea: a C++ accumulator updated in place, row after row; whenever PostgreSQL needs the
 * bytes (a parallel worker hands its partial state to the leader, Citus ships a partial state, the
 * user selects the state) the object is flattened to the library's bytes (flatten_into). So the
 * state type is a plain bytea (what Citus needs to push an aggregate down) without paying for a
 * serialization per row.
 * SPDX-License-Identifier: MIT */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/parallel.h"
#include "nodes/execnodes.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "mb/pg_wchar.h"
#include "portability/instr_time.h"

#include "core.h"
#include "metric_table.h"

PG_MODULE_MAGIC;

#define CRM_UNIX_EPOCH_DAYS (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) /* 10957: days from 1970-01-01 to 2000-01-01 */

/* ---- errors ---------------------------------------------------------------------------------- */
static int crm_sqlstate(int status) {
  switch (status) {
    case CRM_PG_BAD_INPUT: return ERRCODE_INVALID_PARAMETER_VALUE;        /* 22023 */
    case CRM_PG_BAD_STATE: return ERRCODE_INVALID_TEXT_REPRESENTATION;    /* 22P02 */
    case CRM_PG_OUT_OF_MEMORY: return ERRCODE_OUT_OF_MEMORY;
    case CRM_PG_OVERFLOW: return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
    case CRM_PG_CANCELED: return ERRCODE_QUERY_CANCELED;
    case CRM_PG_NOT_SUPPORTED: return ERRCODE_FEATURE_NOT_SUPPORTED;
    default: return ERRCODE_INTERNAL_ERROR;
  }
}
/* The fits ask this between likelihood evaluations (core.cpp, fit_options::interrupt), the
 * extension's long loops every 65,536 rows (core.cpp, check_cancel; CRM_PG_CANCELED) and the
 * library's walks over a whole state about every 4096 customers (its interrupt hook): a cancel or
 * termination request stops them; crm_raise then lets CHECK_FOR_INTERRUPTS raise that request (57014
 * for statement_timeout or pg_cancel_backend) instead of the fit's own "interrupted". */
bool crm_pg_cancel_requested(void) {
  /* what CHECK_FOR_INTERRUPTS would act on now: a cancel or termination request, interrupts not held
   * off (else the call goes on, as PostgreSQL's own loops do) */
  return InterruptPending && (QueryCancelPending || ProcDiePending) && INTERRUPTS_CAN_BE_PROCESSED();
}

static void crm_raise(const crm_pg_error* err) pg_attribute_noreturn();
static void crm_raise(const crm_pg_error* err) {
  CHECK_FOR_INTERRUPTS();
  ereport(ERROR, (errcode(crm_sqlstate(err->status)), errmsg("%s", err->message)));
  pg_unreachable();
}
/* Raises err as crm_raise does; but a library error of `where` (any when NULL) names the SQL function
 * `fn` in place of the library's "crm::<where>", and its field `field` (when not NULL) as the SQL
 * argument `arg`: a bad unit, period or horizon argument was reported under the library's class and
 * field names (e.g. "crm::period_accumulator: periods ...", "crm::rfm_accumulator: time_unit ...";
 * found by an audit). */
static void crm_raise_as(const crm_pg_error* err, const char* where, const char* fn, const char* field, const char* arg)
    pg_attribute_noreturn();
static void crm_raise_as(const crm_pg_error* err, const char* where, const char* fn, const char* field, const char* arg) {
  const char* rest = err->message + err->prefix;
  size_t n = field != NULL ? strlen(field) : 0;
  if (fn == NULL || err->prefix <= 0 || err->status != CRM_PG_BAD_INPUT ||
      (where != NULL && !(strncmp(err->message, "crm::", 5) == 0 && strncmp(err->message + 5, where, strlen(where)) == 0 &&
                          (size_t)err->prefix == 5 + strlen(where) + 2)))
    crm_raise(err);
  CHECK_FOR_INTERRUPTS();
  if (n > 0 && strncmp(rest, field, n) == 0 && rest[n] == ' ')
    ereport(ERROR, (errcode(crm_sqlstate(err->status)), errmsg("%s: %s%s", fn, arg, rest + n)));
  ereport(ERROR, (errcode(crm_sqlstate(err->status)), errmsg("%s: %s", fn, rest)));
  pg_unreachable();
}
static void crm_bad_input(const char* message) pg_attribute_noreturn();
static void crm_bad_input(const char* message) {
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s", message)));
  pg_unreachable();
}

/* ---- formula metrics ------------------------------------------------------------------------- */
#define CRM_PG_METRIC_INFO_(name, type, fields) {CRM_PG_KINDS(fields)},
static const struct {
  const char* kinds;
} crm_metric_info[] = {CRM_PG_METRICS(CRM_PG_METRIC_INFO_)};

static Datum crm_metric_call(FunctionCallInfo fcinfo, int metric, int numeric) {
  crm_pg_arg args[8];
  const char* kinds = crm_metric_info[metric].kinds;
  crm_pg_error err;
  double f = 0;
  char text[160];
  int k;
  for (k = 0; kinds[k] != '\0'; ++k) {
    if (kinds[k] == 'C') args[k].i = PG_GETARG_INT64(k);
    else if (numeric) args[k].text = DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(k)));
    else args[k].f = PG_GETARG_FLOAT8(k);
  }
  if (!crm_pg_metric(metric, numeric, args, &f, text, sizeof text, &err)) crm_raise(&err);
  if (numeric)
    PG_RETURN_DATUM(DirectFunctionCall3(numeric_in, CStringGetDatum(text), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
  PG_RETURN_FLOAT8(f);
}

#define CRM_PG_METRIC_FN_(name, type, fields)                                                          \
  PG_FUNCTION_INFO_V1(crm_##name##_float8);                                                            \
  Datum crm_##name##_float8(PG_FUNCTION_ARGS) { return crm_metric_call(fcinfo, CRM_PG_METRIC_##name, 0); } \
  PG_FUNCTION_INFO_V1(crm_##name##_numeric);                                                           \
  Datum crm_##name##_numeric(PG_FUNCTION_ARGS) { return crm_metric_call(fcinfo, CRM_PG_METRIC_##name, 1); }
CRM_PG_METRICS(CRM_PG_METRIC_FN_)

/* ---- composite results: a crm_pg_row from the core as a tuple of the function's result type ---- */
static void crm_row_values(const crm_pg_row* row, Datum* v, bool* n) {
  int i;
  for (i = 0; i < row->n; ++i) {
    const crm_pg_col* c = &row->col[i];
    n[i] = c->type == CRM_PG_NULL;
    switch (c->type) {
      case CRM_PG_INT8: v[i] = Int64GetDatum(c->i); break;
      case CRM_PG_INT4: v[i] = Int32GetDatum((int32)c->i); break;
      case CRM_PG_FLOAT8: v[i] = Float8GetDatum(c->f); break;
      case CRM_PG_DATE: v[i] = DateADTGetDatum((DateADT)(c->i - CRM_UNIX_EPOCH_DAYS)); break;
      case CRM_PG_NUMERIC:
        v[i] = DirectFunctionCall3(numeric_in, CStringGetDatum(row->text + c->i), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
        break;
      case CRM_PG_TEXT: v[i] = CStringGetTextDatum(row->text + c->i); break;
      case CRM_PG_FLOAT8_MATRIX: { /* an n x n float8[][] from the row's matrix (a fit's covariance) */
        Datum e[CRM_PG_MAX_PARAMETERS * CRM_PG_MAX_PARAMETERS];
        int dims[2], lbs[2] = {1, 1}, k, size = (int)c->i;
        dims[0] = dims[1] = size;
        for (k = 0; k < size * size; ++k) e[k] = Float8GetDatum(row->matrix[k]);
        v[i] = PointerGetDatum(construct_md_array(e, NULL, 2, dims, lbs, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
        break;
      }
      default: v[i] = (Datum)0; break;
    }
  }
}
static Datum crm_row_tuple(FunctionCallInfo fcinfo, const crm_pg_row* row) {
  TupleDesc td;
  Datum v[CRM_PG_MAX_COLS];
  bool n[CRM_PG_MAX_COLS];
  if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("crm_metrics: function returning a composite called in a context that cannot accept it")));
  if (td->natts != row->n)
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH), errmsg("crm_metrics: result type has %d columns, the library gave %d", td->natts, row->n)));
  td = BlessTupleDesc(td);
  crm_row_values(row, v, n);
  return HeapTupleGetDatum(heap_form_tuple(td, v, n));
}

/* ---- statistics ------------------------------------------------------------------------------ */
PG_FUNCTION_INFO_V1(crm_proportion_interval_fn);
Datum crm_proportion_interval_fn(PG_FUNCTION_ARGS) {
  crm_pg_row r;
  crm_pg_error err;
  char* method = text_to_cstring(PG_GETARG_TEXT_PP(3));
  if (!crm_pg_proportion_interval(PG_GETARG_INT64(0), PG_GETARG_INT64(1), PG_GETARG_FLOAT8(2), method, &r, &err)) crm_raise(&err);
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}

PG_FUNCTION_INFO_V1(crm_nps_interval_fn);
Datum crm_nps_interval_fn(PG_FUNCTION_ARGS) {
  crm_pg_row r;
  crm_pg_error err;
  if (!crm_pg_nps_interval(PG_GETARG_INT64(0), PG_GETARG_INT64(1), PG_GETARG_INT64(2), PG_GETARG_FLOAT8(3), &r, &err)) crm_raise(&err);
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}

PG_FUNCTION_INFO_V1(crm_ab_test_fn);
Datum crm_ab_test_fn(PG_FUNCTION_ARGS) {
  crm_pg_row r;
  crm_pg_error err;
  if (!crm_pg_ab_test(PG_GETARG_INT64(0), PG_GETARG_INT64(1), PG_GETARG_INT64(2), PG_GETARG_INT64(3), PG_GETARG_FLOAT8(4), &r, &err))
    crm_raise(&err);
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}

/* ---- timing of the state operations (DEBUG1: SET client_min_messages = debug1 shows them, workers'
 * included); docs/postgresql.md, "Where the time goes" ---- */
static bool crm_trace_begin(instr_time* t) {
  if (!message_level_is_interesting(DEBUG1)) return false;
  INSTR_TIME_SET_CURRENT(*t);
  return true;
}
static void crm_trace_end(bool on, instr_time* t, const char* what, size_t bytes) {
  instr_time now;
  if (!on) return;
  INSTR_TIME_SET_CURRENT(now);
  INSTR_TIME_SUBTRACT(now, *t);
  /* a parallel worker's lines say so: the rest is the leader's (or a serial plan's) */
  elog(DEBUG1, "crm_metrics: %s, %zu bytes, %.1f ms%s", what, bytes, INSTR_TIME_GET_MILLISEC(now),
       IsParallelWorker() ? " (parallel worker)" : "");
}

static void* crm_state_read_traced(int kind, const void* bytes, size_t size, crm_pg_error* err) {
  instr_time t;
  bool trace = crm_trace_begin(&t);
  void* st = crm_pg_state_read(kind, bytes, size, err);
  crm_trace_end(trace, &t, "deserialize", size);
  return st;
}

/* ---- states as expanded objects --------------------------------------------------------------- */
typedef struct CrmState {
  ExpandedObjectHeader hdr;
  void* state;      /* the C++ accumulator (core.h), freed by the context's reset callback */
  Size accounted;   /* its C++ heap bytes, added to the context's mem_allocated (see crm_account) */
  Size unaccounted_rows; /* rows added since crm_account last ran (see crm_account_row) */
  bool options_known;    /* `options` are the state's (checked once, then compared as bytes) */
  crm_pg_options options;
  /* A partial aggregate's own state (made by a transition of an Agg node that skips the final
   * function: the Partial Aggregate of a parallel plan) and its last flattening, while the
   * accumulator is unchanged since: see "The leader's own partial state" below. */
  bool partial;
  bool flat_kept;                /* its last flattening is kept (core: crm_pg_state_flat_bytes) and listed */
  struct CrmState* flat_next;    /* in crm_flat_states */
} CrmState;

/* ---- The leader's own partial state ------------------------------------------------------------
 * In a parallel aggregate the leader runs a Partial Aggregate of its own, and PostgreSQL flattens
 * its result (nodeAgg's finalize_partialaggregate copies it with datumCopy: docs/postgresql.md) and
 * hands those bytes to the Finalize Aggregate's combine in the same process (copied once more: the
 * Finalize Aggregate keeps a copy of its first input tuple), which used to read them back into a
 * new accumulator (0.1 to 0.3 s for the RFM state of 1M customers). The bytes stay the real
 * serialization: whatever else reads them gets the library's format. But the leader keeps, for
 * every partial state it flattened, the serialized bytes until the state changes or is freed; when
 * the combine is handed bytes equal to them (the same size, then memcmp: exact) it takes the
 * accumulator over instead of reading the bytes: the same state. It may take it because a partial
 * aggregate's state is never read again after it was emitted (nodeAgg emits each group's state
 * once, after all of the group's rows: finalize_partialaggregate, and only resets or frees it
 * afterwards); a state that was taken over raises an error if anything reads it, never a wrong
 * result. Anything else (a worker's state, a stored one) is read from its bytes as before. */
static CrmState* crm_flat_states = NULL; /* this process's partial states whose flattening is kept */
static int64 crm_adoptions = 0;          /* accumulators taken over (crm_adopted_states()) */

static void crm_flat_forget(CrmState* s) {
  CrmState** p;
  if (!s->flat_kept) return;
  for (p = &crm_flat_states; *p != NULL; p = &(*p)->flat_next)
    if (*p == s) {
      *p = s->flat_next;
      break;
    }
  s->flat_kept = false;
  s->flat_next = NULL;
  if (s->state != NULL) crm_pg_state_drop_flat(s->state);
}
/* After flatten_into: keeps the bytes of a partial state of the leader (none in a parallel worker,
 * whose states go to the leader), else frees them. */
static void crm_flat_keep_or_drop(CrmState* s) {
  if (!s->partial || IsParallelWorker()) {
    crm_pg_state_drop_flat(s->state);
    return;
  }
  if (s->flat_kept) return;
  s->flat_kept = true;
  s->flat_next = crm_flat_states;
  crm_flat_states = s;
}
/* The partial state of this process whose kept flattening equals the bytea datum d, or NULL. */
static CrmState* crm_flat_owner(Datum d) {
  const struct varlena* p = (const struct varlena*)DatumGetPointer(d);
  CrmState* s;
  if (crm_flat_states == NULL || VARATT_IS_EXTENDED(p)) return NULL;
  for (s = crm_flat_states; s != NULL; s = s->flat_next) {
    size_t n = 0;
    const void* mine = s->state != NULL ? crm_pg_state_flat_bytes(s->state, &n) : NULL;
    if (mine != NULL && n == VARSIZE(p) - VARHDRSZ && memcmp(VARDATA(p), mine, n) == 0) return s;
  }
  return NULL;
}

/* A state whose accumulator the combine took over (crm_state_adopt) is never read again; if it were,
 * this is an error rather than a crash. */
static void crm_state_check(const CrmState* s) {
  if (s->state == NULL)
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("crm_metrics: a partial state read after the combine took it over")));
}

static Size crm_state_flat_size(ExpandedObjectHeader* eohptr) {
  CrmState* s = (CrmState*)eohptr;
  crm_pg_error err;
  size_t n = 0;
  instr_time t;
  bool trace;
  crm_state_check(s);
  trace = crm_trace_begin(&t);
  if (!crm_pg_state_flatten(s->state, &n, &err)) crm_raise(&err);
  crm_trace_end(trace, &t, "serialize", n);
  if (n > MaxAllocSize - VARHDRSZ)
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("crm_metrics: state of %zu bytes is larger than a bytea can hold (1 GB)", n)));
  return VARHDRSZ + n;
}
static void crm_state_flatten_into(ExpandedObjectHeader* eohptr, void* result, Size allocated_size) {
  CrmState* s = (CrmState*)eohptr;
  SET_VARSIZE(result, allocated_size);
  crm_pg_state_copy_flat(s->state, VARDATA(result), allocated_size - VARHDRSZ);
  crm_flat_keep_or_drop(s); /* PostgreSQL asks for the bytes once per flattening */
}
static const ExpandedObjectMethods crm_state_methods = {crm_state_flat_size, crm_state_flatten_into};

static void crm_state_free_cb(void* arg) { crm_pg_state_free(arg); }

/* Memory accounting: the accumulator's C++ heap (crm_pg_state_weight) is added to the mem_allocated
 * of the context that holds the state, so what PostgreSQL measures against work_mem (a hashed
 * aggregate spills when MemoryContextMemAllocated of its context passes hash_mem) and what EXPLAIN
 * ANALYZE reports as Memory Usage include it. The reset callback takes it off again before the
 * context frees its blocks. */
static void crm_account(CrmState* s) {
  Size w = s->state != NULL ? (Size)crm_pg_state_weight(s->state) : 0;
  MemoryContext c = s->hdr.eoh_context;
  c->mem_allocated = c->mem_allocated - s->accounted + w;
  s->accounted = w;
}
/* After a row: the size is asked for again once a row per CRM_ACCOUNT_BYTES_PER_ROW bytes of state
 * has been added (every row while the state is smaller). Asking costs a walk over the customer
 * table's parts (up to 1024 of them: 15 % of the serial RFM aggregate's time when it ran per row),
 * and a row grows a state by a few dozen bytes, so the count lags the true size by about 0.1 %. */
#define CRM_ACCOUNT_BYTES_PER_ROW 65536
static void crm_account_row(CrmState* s) {
  if (++s->unaccounted_rows * CRM_ACCOUNT_BYTES_PER_ROW < s->accounted) return;
  s->unaccounted_rows = 0;
  crm_account(s);
}
static void crm_state_object_free_cb(void* arg) {
  CrmState* s = (CrmState*)arg;
  crm_flat_forget(s);
  s->hdr.eoh_context->mem_allocated -= s->accounted;
  s->accounted = 0;
  crm_pg_state_free(s->state);
  s->state = NULL;
}
static void crm_rows_free_cb(void* arg) { crm_pg_rows_free(arg); }

/* Gives `obj` to `cxt`: freed by `fn` when the context is reset or deleted. The callback record is
 * allocated before the C++ object is made (see crm_own_prepare), so no failure can leak it. */
static MemoryContextCallback* crm_own_prepare(MemoryContext cxt) {
  return (MemoryContextCallback*)MemoryContextAllocZero(cxt, sizeof(MemoryContextCallback));
}
static void crm_own(MemoryContext cxt, MemoryContextCallback* cb, void (*fn)(void*), void* obj) {
  cb->func = fn;
  cb->arg = obj;
  MemoryContextRegisterResetCallback(cxt, cb);
}

/* The context that holds the expanded states of one aggregate context: one child named
 * CRM_STATES_NAME, shared by all its groups. A context per state would make a hashed aggregate
 * quadratic (its memory accounting walks every child context whenever a group is added). States
 * die with this context (reset or deleted with the aggregate context, e.g. after each group of a
 * sorted aggregate); nodeAgg never deletes one of ours on its own, since every transition returns
 * the same expanded object it was given. */
#define CRM_STATES_NAME "crm_metrics states"
static MemoryContext crm_states_context(MemoryContext agg) {
  MemoryContext c;
  for (c = agg->firstchild; c != NULL; c = c->nextchild)
    if (strcmp(c->name, CRM_STATES_NAME) == 0) return c;
  return AllocSetContextCreate(agg, CRM_STATES_NAME, ALLOCSET_DEFAULT_SIZES);
}

/* The SQL name of the aggregate whose transition function is running (of the aggregates that share
 * one state, the first), for error messages; "crm_metrics" outside an aggregate. */
static const char* crm_agg_name(FunctionCallInfo fcinfo) {
  Aggref* a = AggGetAggref(fcinfo);
  char* name = a != NULL ? get_func_name(a->aggfnoid) : NULL;
  return name != NULL ? name : "crm_metrics";
}
/* Raises an error of the aggregate's options (a new state, or options that differ between rows)
 * naming the SQL aggregate and its arguments (the RFM time unit is time_unit_days there). */
static void crm_raise_options(const crm_pg_error* err, FunctionCallInfo fcinfo) pg_attribute_noreturn();
static void crm_raise_options(const crm_pg_error* err, FunctionCallInfo fcinfo) {
  crm_raise_as(err, NULL, crm_agg_name(fcinfo), "time_unit", "time_unit_days");
}

/* A new expanded state under the aggregate context `agg`: a copy of the accumulator `copy_of`, one
 * read from serialized bytes, or a fresh one (both NULL), whose errors (bad options) name the
 * aggregate of `fcinfo` (crm_raise_options). */
static CrmState* crm_state_make(MemoryContext agg, int kind, const crm_pg_options* opt, const void* bytes, size_t size,
                                const void* copy_of, FunctionCallInfo fcinfo) {
  MemoryContext cxt = crm_states_context(agg);
  CrmState* s = (CrmState*)MemoryContextAllocZero(cxt, sizeof(CrmState));
  MemoryContextCallback* cb = crm_own_prepare(cxt);
  crm_pg_error err;
  void* st;
  EOH_init_header(&s->hdr, &crm_state_methods, cxt);
  if (copy_of != NULL) {
    instr_time t;
    bool trace = crm_trace_begin(&t);
    st = crm_pg_state_clone(copy_of, &err);
    crm_trace_end(trace, &t, "copy", crm_pg_state_weight(copy_of));
  } else {
    st = bytes != NULL ? crm_state_read_traced(kind, bytes, size, &err) : crm_pg_state_new(kind, opt, &err);
  }
  if (st == NULL && copy_of == NULL && bytes == NULL) crm_raise_options(&err, fcinfo);
  if (st == NULL) crm_raise(&err);
  s->state = st;
  crm_own(cxt, cb, crm_state_object_free_cb, s);
  crm_account(s);
  return s;
}

/* A new state of the aggregate context `agg` that takes over the accumulator of `owner`, a partial
 * state of this process whose last flattening the combine was handed (crm_flat_owner). */
static CrmState* crm_state_adopt(MemoryContext agg, CrmState* owner) {
  MemoryContext cxt = crm_states_context(agg);
  CrmState* s = (CrmState*)MemoryContextAllocZero(cxt, sizeof(CrmState));
  MemoryContextCallback* cb = crm_own_prepare(cxt);
  size_t size = 0;
  instr_time t;
  bool trace = crm_trace_begin(&t);
  (void)crm_pg_state_flat_bytes(owner->state, &size);
  crm_flat_forget(owner); /* frees the kept bytes */
  EOH_init_header(&s->hdr, &crm_state_methods, cxt);
  s->state = owner->state; /* nothing below can fail: the accumulator has one owner at any time */
  owner->state = NULL;
  crm_own(cxt, cb, crm_state_object_free_cb, s);
  crm_account(owner);
  crm_account(s);
  crm_trace_end(trace, &t, "adopt", size);
  ++crm_adoptions;
  return s;
}

PG_FUNCTION_INFO_V1(crm_adopted_states);
Datum crm_adopted_states(PG_FUNCTION_ARGS) { PG_RETURN_INT64(crm_adoptions); }

/* Our expanded object behind a datum, or NULL for a flat bytea. */
static CrmState* crm_state_object(Datum d) {
  struct varlena* p = (struct varlena*)DatumGetPointer(d);
  if (VARATT_IS_EXTERNAL_EXPANDED(p)) {
    ExpandedObjectHeader* h = DatumGetEOHP(d);
    if (h->eoh_methods == &crm_state_methods) {
      crm_state_check((CrmState*)h);
      return (CrmState*)h;
    }
    ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), errmsg("crm_metrics: state is an expanded object of another type")));
  }
  return NULL;
}

/* The accumulator of a state argument, read-only: the expanded object's, or one read from the
 * bytes into the current memory context (freed with it). */
static const void* crm_state_arg(FunctionCallInfo fcinfo, int argno, int kind) {
  Datum d = PG_GETARG_DATUM(argno);
  CrmState* s = crm_state_object(d);
  bytea* b;
  MemoryContextCallback* cb;
  crm_pg_error err;
  void* st;
  if (s != NULL) return s->state;
  b = PG_GETARG_BYTEA_PP(argno);
  cb = crm_own_prepare(CurrentMemoryContext);
  st = crm_state_read_traced(kind, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), &err);
  if (st == NULL) crm_raise(&err);
  crm_own(CurrentMemoryContext, cb, crm_state_free_cb, st);
  return st;
}

static MemoryContext crm_agg_context(FunctionCallInfo fcinfo, const char* fn) {
  MemoryContext agg;
  if (!AggCheckCallContext(fcinfo, &agg))
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("crm_metrics: %s called outside an aggregate", fn)));
  return agg;
}

/* True when the calling Agg node is a plain (ungrouped) aggregate that skips the final function:
 * its one state is a partial one, emitted once after all rows (see "The leader's own partial
 * state"; grouped partial aggregates are left out: keeping the bytes of every group's state until
 * the node ends would double their memory). */
static bool crm_in_partial_agg(FunctionCallInfo fcinfo) {
  return fcinfo->context != NULL && IsA(fcinfo->context, AggState) &&
         DO_AGGSPLIT_SKIPFINAL(((AggState*)fcinfo->context)->aggsplit) &&
         ((AggState*)fcinfo->context)->aggstrategy == AGG_PLAIN;
}

/* The writable state of a transition: ours in place, or a new one (first row, or a flat bytea). */
static CrmState* crm_state_for_update(FunctionCallInfo fcinfo, int kind, const crm_pg_options* opt) {
  MemoryContext agg = crm_agg_context(fcinfo, "a crm_metrics transition function");
  CrmState* s;
  if (PG_ARGISNULL(0)) {
    s = crm_state_make(agg, kind, opt, NULL, 0, NULL, fcinfo);
    s->partial = crm_in_partial_agg(fcinfo);
    if (opt != NULL) {
      s->options = *opt;
      s->options_known = true;
    }
    return s;
  }
  s = crm_state_object(PG_GETARG_DATUM(0));
  if (s == NULL || !VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0)))) {
    bytea* b = PG_GETARG_BYTEA_PP(0);
    s = crm_state_make(agg, kind, NULL, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), NULL, fcinfo);
    s->partial = crm_in_partial_agg(fcinfo);
  }
  crm_flat_forget(s); /* it changes: its last flattening is no longer its state */
  /* the options of every row must be the state's: checked by the library once, then compared as
   * bytes (the callers zero the whole struct first) */
  if (opt != NULL && !(s->options_known && memcmp(&s->options, opt, sizeof *opt) == 0)) {
    crm_pg_error err;
    if (!crm_pg_state_check_options(s->state, opt, &err)) crm_raise_options(&err, fcinfo);
    s->options = *opt;
    s->options_known = true;
  }
  return s;
}

static Datum crm_add_record(FunctionCallInfo fcinfo, int kind, const crm_pg_options* opt, const crm_pg_record* rec) {
  CrmState* s = crm_state_for_update(fcinfo, kind, opt);
  crm_pg_error err;
  if (!crm_pg_state_add(s->state, rec, &err)) crm_raise(&err);
  crm_account_row(s);
  PG_RETURN_DATUM(EOHPGetRWDatum(&s->hdr));
}

/* A row with a NULL field is left out (as SQL aggregates leave out NULLs): the state is unchanged. */
static Datum crm_skip_row(FunctionCallInfo fcinfo) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}
static bool crm_any_null(FunctionCallInfo fcinfo, int from, int to) {
  int i;
  for (i = from; i < to && i < PG_NARGS(); ++i)
    if (PG_ARGISNULL(i)) return true;
  return false;
}

/* ---- reading time arguments (date or timestamptz) -------------------------------------------- */
#define CRM_OUT_OF_RANGE_SECONDS (-INT64CONST(100000000000000)) /* far before 1900: refused by the library */

#define CRM_MAX_ARGS 8
static Oid crm_arg_type(FunctionCallInfo fcinfo, int argno) {
  /* cached per call site: fn_extra holds the types of the arguments */
  if (fcinfo->flinfo->fn_extra == NULL) {
    Oid* t = (Oid*)MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, CRM_MAX_ARGS * sizeof(Oid));
    int k;
    for (k = 0; k < CRM_MAX_ARGS && k < PG_NARGS(); ++k) t[k] = get_fn_expr_argtype(fcinfo->flinfo, k);
    fcinfo->flinfo->fn_extra = t;
  }
  return argno < CRM_MAX_ARGS ? ((Oid*)fcinfo->flinfo->fn_extra)[argno] : InvalidOid;
}
/* The amount argument `argno` (float8, or numeric read exactly: the state kind gets
 * CRM_PG_DECIMAL) into the record; returns the state kind. */
static int crm_amount_arg(FunctionCallInfo fcinfo, int argno, int kind, crm_pg_record* r) {
  if (crm_arg_type(fcinfo, argno) == NUMERICOID) {
    r->amount_text = DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(argno)));
    return kind | CRM_PG_DECIMAL;
  }
  r->amount = PG_GETARG_FLOAT8(argno);
  return kind;
}
static int64 crm_seconds_of(Datum d, Oid type) {
  if (type == DATEOID) {
    DateADT day = DatumGetDateADT(d);
    if (DATE_NOT_FINITE(day)) return CRM_OUT_OF_RANGE_SECONDS;
    return ((int64)day + CRM_UNIX_EPOCH_DAYS) * SECS_PER_DAY;
  } else {
    TimestampTz t = DatumGetTimestampTz(d);
    int64 s;
    if (TIMESTAMP_NOT_FINITE(t)) return CRM_OUT_OF_RANGE_SECONDS;
    s = t / USECS_PER_SEC - (t % USECS_PER_SEC < 0 ? 1 : 0); /* floor */
    return s + (int64)CRM_UNIX_EPOCH_DAYS * SECS_PER_DAY;
  }
}
/* A date option of an aggregate (days since 1970-01-01); an infinite date is an error naming the SQL
 * aggregate and its argument `arg`. */
static int32 crm_day_option(FunctionCallInfo fcinfo, Datum d, const char* arg) {
  DateADT day = DatumGetDateADT(d);
  if (DATE_NOT_FINITE(day))
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s: %s must be a finite date", crm_agg_name(fcinfo), arg)));
  return (int32)day + CRM_UNIX_EPOCH_DAYS;
}

/* ---- transition functions -------------------------------------------------------------------- */
/* orders: (customer bigint, at date|timestamptz, amount float8) */
static Datum crm_orders_trans_common(FunctionCallInfo fcinfo, int kind, int64 customer, Datum at, Oid at_type,
                                     crm_pg_record* r) {
  r->customer = (uint64)customer;
  r->seconds = crm_seconds_of(at, at_type);
  return crm_add_record(fcinfo, kind, NULL, r);
}

static Datum crm_orders_args_trans(FunctionCallInfo fcinfo, int kind) {
  crm_pg_record r;
  if (crm_any_null(fcinfo, 1, 4)) return crm_skip_row(fcinfo);
  memset(&r, 0, sizeof r);
  kind = crm_amount_arg(fcinfo, 3, kind, &r);
  return crm_orders_trans_common(fcinfo, kind, PG_GETARG_INT64(1), PG_GETARG_DATUM(2), crm_arg_type(fcinfo, 2), &r);
}
PG_FUNCTION_INFO_V1(crm_orders_trans);
Datum crm_orders_trans(PG_FUNCTION_ARGS) { return crm_orders_args_trans(fcinfo, CRM_PG_CUSTOMERS); }
/* the purchase counts alone (crm_repeat_purchase_share, crm_purchase_frequency): the same arguments */
PG_FUNCTION_INFO_V1(crm_repeat_trans);
Datum crm_repeat_trans(PG_FUNCTION_ARGS) { return crm_orders_args_trans(fcinfo, CRM_PG_REPEAT); }

/* the single-argument form: (o crm_order) with crm_order = (customer bigint, at timestamptz, amount float8) */
/* The three fields of a composite argument (crm_order, crm_rfm_input); false when one is NULL. */
static bool crm_row3(FunctionCallInfo fcinfo, Datum* f) {
  HeapTupleHeader t = PG_GETARG_HEAPTUPLEHEADER(1);
  int k;
  for (k = 0; k < 3; ++k) {
    bool null = false;
    f[k] = GetAttributeByNum(t, (AttrNumber)(k + 1), &null);
    if (null) return false;
  }
  return true;
}
static Datum crm_orders_composite_trans(FunctionCallInfo fcinfo, int kind) {
  Datum f[3];
  crm_pg_record r;
  if (PG_ARGISNULL(1) || !crm_row3(fcinfo, f)) return crm_skip_row(fcinfo);
  memset(&r, 0, sizeof r);
  r.amount = DatumGetFloat8(f[2]);
  return crm_orders_trans_common(fcinfo, kind, DatumGetInt64(f[0]), f[1], TIMESTAMPTZOID, &r);
}
PG_FUNCTION_INFO_V1(crm_orders_row_trans);
Datum crm_orders_row_trans(PG_FUNCTION_ARGS) { return crm_orders_composite_trans(fcinfo, CRM_PG_CUSTOMERS); }
PG_FUNCTION_INFO_V1(crm_repeat_row_trans);
Datum crm_repeat_row_trans(PG_FUNCTION_ARGS) { return crm_orders_composite_trans(fcinfo, CRM_PG_REPEAT); }

/* one-column records: an amount (average check) or an answer (NPS); no customer, no time */
static Datum crm_add_value(FunctionCallInfo fcinfo, int kind) {
  crm_pg_record r;
  if (PG_ARGISNULL(1)) return crm_skip_row(fcinfo);
  memset(&r, 0, sizeof r);
  if (kind == CRM_PG_NPS) r.score = PG_GETARG_INT32(1);
  else kind = crm_amount_arg(fcinfo, 1, kind, &r);
  return crm_add_record(fcinfo, kind, NULL, &r);
}
PG_FUNCTION_INFO_V1(crm_totals_trans);
Datum crm_totals_trans(PG_FUNCTION_ARGS) { return crm_add_value(fcinfo, CRM_PG_TOTALS); }
PG_FUNCTION_INFO_V1(crm_nps_trans);
Datum crm_nps_trans(PG_FUNCTION_ARGS) { return crm_add_value(fcinfo, CRM_PG_NPS); }

/* CSAT: (score int [, lowest int, highest int, satisfied_from int]); the scale defaults to 1..5,
 * satisfied from 4 */
PG_FUNCTION_INFO_V1(crm_csat_trans);
Datum crm_csat_trans(PG_FUNCTION_ARGS) {
  crm_pg_options o;
  crm_pg_record r;
  if (crm_any_null(fcinfo, 1, PG_NARGS())) return crm_skip_row(fcinfo);
  memset(&o, 0, sizeof o);
  memset(&r, 0, sizeof r);
  o.lowest = PG_NARGS() > 2 ? PG_GETARG_INT32(2) : 1;
  o.highest = PG_NARGS() > 3 ? PG_GETARG_INT32(3) : 5;
  o.satisfied_from = PG_NARGS() > 4 ? PG_GETARG_INT32(4) : 4;
  r.score = PG_GETARG_INT32(1);
  return crm_add_record(fcinfo, CRM_PG_CSAT, &o, &r);
}

/* spend: (channel int, at date|timestamptz, amount float8|numeric [, unit text]) */
static int crm_period_unit(FunctionCallInfo fcinfo, text* t);
PG_FUNCTION_INFO_V1(crm_spend_trans);
Datum crm_spend_trans(PG_FUNCTION_ARGS) {
  crm_pg_options o;
  crm_pg_record r;
  int64 channel;
  int kind;
  if (crm_any_null(fcinfo, 1, PG_NARGS())) return crm_skip_row(fcinfo);
  memset(&o, 0, sizeof o);
  memset(&r, 0, sizeof r);
  o.unit = PG_NARGS() > 4 ? crm_period_unit(fcinfo, PG_GETARG_TEXT_PP(4)) : -1;
  channel = PG_GETARG_INT64(1);
  if (channel < 0 || channel > (int64)PG_UINT32_MAX)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s: channel must lie in 0..4294967295", crm_agg_name(fcinfo))));
  r.channel = (uint32)channel;
  r.seconds = crm_seconds_of(PG_GETARG_DATUM(2), crm_arg_type(fcinfo, 2));
  kind = crm_amount_arg(fcinfo, 3, CRM_PG_SPEND, &r);
  return crm_add_record(fcinfo, kind, &o, &r);
}

/* e-mail events: (recipient bigint, kind text [, revenue float8 | numeric]) */
static const char* const crm_email_kinds[] = {"sent", "delivered", "hard_bounce", "soft_bounce", "open",
                                              "click", "unsubscribe", "spam_complaint", "conversion"};
PG_FUNCTION_INFO_V1(crm_email_trans);
Datum crm_email_trans(PG_FUNCTION_ARGS) {
  crm_pg_record r;
  text* kind;
  int k;
  if (crm_any_null(fcinfo, 1, 3)) return crm_skip_row(fcinfo);
  memset(&r, 0, sizeof r);
  r.customer = (uint64)PG_GETARG_INT64(1);
  kind = PG_GETARG_TEXT_PP(2);
  r.score = -1;
  for (k = 0; k < 9; ++k)
    if (strlen(crm_email_kinds[k]) == VARSIZE_ANY_EXHDR(kind) && memcmp(crm_email_kinds[k], VARDATA_ANY(kind), VARSIZE_ANY_EXHDR(kind)) == 0)
      r.score = k;
  if (r.score < 0)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s: kind is not an e-mail event kind (sent, delivered, hard_bounce, soft_bounce, open, click, "
                           "unsubscribe, spam_complaint, conversion)", crm_agg_name(fcinfo))));
  /* the revenue (float8, or numeric: exact, a decimal state); NULL or absent is 0 */
  if (PG_NARGS() > 3 && !PG_ARGISNULL(3)) return crm_add_record(fcinfo, crm_amount_arg(fcinfo, 3, CRM_PG_EMAIL, &r), NULL, &r);
  if (PG_NARGS() > 3 && crm_arg_type(fcinfo, 3) == NUMERICOID) {
    r.amount_text = "0";
    return crm_add_record(fcinfo, CRM_PG_EMAIL | CRM_PG_DECIMAL, NULL, &r);
  }
  return crm_add_record(fcinfo, CRM_PG_EMAIL, NULL, &r);
}

/* RFM: (customer bigint, at date|timestamptz, amount float8|numeric, calibration_end date,
 * [observation_end date,] time_unit_days int) */
PG_FUNCTION_INFO_V1(crm_rfm_trans);
Datum crm_rfm_trans(PG_FUNCTION_ARGS) {
  crm_pg_options o;
  crm_pg_record r;
  int kind;
  const bool holdout = PG_NARGS() > 6;
  if (crm_any_null(fcinfo, 1, PG_NARGS())) return crm_skip_row(fcinfo);
  memset(&o, 0, sizeof o);
  memset(&r, 0, sizeof r);
  o.day = crm_day_option(fcinfo, PG_GETARG_DATUM(4), "calibration_end");
  if (holdout) {
    o.holdout = 1;
    o.end_day = crm_day_option(fcinfo, PG_GETARG_DATUM(5), "observation_end");
  }
  o.unit = PG_GETARG_INT32(holdout ? 6 : 5);
  r.customer = (uint64)PG_GETARG_INT64(1);
  r.seconds = crm_seconds_of(PG_GETARG_DATUM(2), crm_arg_type(fcinfo, 2));
  kind = crm_amount_arg(fcinfo, 3, CRM_PG_RFM, &r);
  return crm_add_record(fcinfo, kind, &o, &r);
}

/* periods and cohorts: (customer, at, amount, unit text, first date, periods int [, inactive_periods int]) */
/* The unit argument of crm_spend and the period aggregates (0 day .. 4 year); another text is an
 * error naming the SQL aggregate, the argument and the accepted values (it named the C++ class
 * crm::period_accumulator, for crm_spend too; found by an audit). */
static int crm_period_unit(FunctionCallInfo fcinfo, text* t) {
  static const char* const units[] = {"day", "week", "month", "quarter", "year"};
  int k;
  for (k = 0; k < 5; ++k)
    if (strlen(units[k]) == VARSIZE_ANY_EXHDR(t) && memcmp(units[k], VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)) == 0) return k;
  {
    const char* given = text_to_cstring(t);
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s: unit must be day, week, month, quarter or year, not \"%.*s\"", crm_agg_name(fcinfo),
                           pg_mbcliplen(given, (int)strlen(given), 40), given)));
  }
  pg_unreachable();
}
PG_FUNCTION_INFO_V1(crm_periods_trans);
Datum crm_periods_trans(PG_FUNCTION_ARGS) {
  crm_pg_options o;
  crm_pg_record r;
  if (crm_any_null(fcinfo, 1, PG_NARGS())) return crm_skip_row(fcinfo);
  memset(&o, 0, sizeof o);
  memset(&r, 0, sizeof r);
  o.unit = crm_period_unit(fcinfo, PG_GETARG_TEXT_PP(4));
  o.day = crm_day_option(fcinfo, PG_GETARG_DATUM(5), "first");
  o.periods = PG_GETARG_INT32(6);
  o.inactive = PG_NARGS() > 7 ? PG_GETARG_INT32(7) : 1;
  r.customer = (uint64)PG_GETARG_INT64(1);
  r.seconds = crm_seconds_of(PG_GETARG_DATUM(2), crm_arg_type(fcinfo, 2));
  return crm_add_record(fcinfo, crm_amount_arg(fcinfo, 3, CRM_PG_PERIODS, &r), &o, &r);
}

/* model fit: (frequency float8, recency float8, T float8 [, weight float8]) or one crm_rfm_input row */
static Datum crm_fit_add(FunctionCallInfo fcinfo, double x, double tx, double age, double weight) {
  crm_pg_record r;
  memset(&r, 0, sizeof r);
  r.x = x;
  r.tx = tx;
  r.age = age;
  r.weight = weight;
  return crm_add_record(fcinfo, CRM_PG_FIT, NULL, &r);
}
PG_FUNCTION_INFO_V1(crm_fit_trans);
Datum crm_fit_trans(PG_FUNCTION_ARGS) {
  if (crm_any_null(fcinfo, 1, PG_NARGS())) return crm_skip_row(fcinfo);
  return crm_fit_add(fcinfo, PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2), PG_GETARG_FLOAT8(3), PG_NARGS() > 4 ? PG_GETARG_FLOAT8(4) : 1.0);
}
PG_FUNCTION_INFO_V1(crm_fit_row_trans);
Datum crm_fit_row_trans(PG_FUNCTION_ARGS) {
  Datum f[3];
  if (PG_ARGISNULL(1) || !crm_row3(fcinfo, f)) return crm_skip_row(fcinfo);
  return crm_fit_add(fcinfo, DatumGetFloat8(f[0]), DatumGetFloat8(f[1]), DatumGetFloat8(f[2]), 1.0);
}

/* ---- combine: merges two states of the same kind (also the transition of crm_state_merge) ----
 * The first state becomes the aggregate's own (a copy of an expanded one, or read from its bytes);
 * a later serialized state is merged into it straight from its bytes. */
PG_FUNCTION_INFO_V1(crm_state_combine);
Datum crm_state_combine(PG_FUNCTION_ARGS) {
  MemoryContext agg = crm_agg_context(fcinfo, "crm_state_combine");
  CrmState* s;
  CrmState* other;
  crm_pg_error err;
  instr_time t;
  bool trace;
  if (PG_ARGISNULL(1)) return crm_skip_row(fcinfo);
  if (PG_ARGISNULL(0)) {
    /* the first state: a copy of the second argument, owned by the aggregate (a copy of the
     * accumulator when it is one of our expanded objects; the accumulator itself when the bytes
     * are this process's own partial state, unchanged since: see "The leader's own partial state";
     * else read from its bytes) */
    other = crm_state_object(PG_GETARG_DATUM(1));
    if (other != NULL && other->state != NULL) {
      s = crm_state_make(agg, 0, NULL, NULL, 0, other->state, fcinfo);
    } else if ((other = crm_flat_owner(PG_GETARG_DATUM(1))) != NULL) {
      s = crm_state_adopt(agg, other);
    } else {
      bytea* b = PG_GETARG_BYTEA_PP(1);
      s = crm_state_make(agg, 0, NULL, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), NULL, fcinfo);
    }
    s->partial = crm_in_partial_agg(fcinfo);
    PG_RETURN_DATUM(EOHPGetRWDatum(&s->hdr));
  }
  s = crm_state_object(PG_GETARG_DATUM(0));
  if (s == NULL || !VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0)))) {
    bytea* b = PG_GETARG_BYTEA_PP(0);
    s = crm_state_make(agg, 0, NULL, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), NULL, fcinfo);
    s->partial = crm_in_partial_agg(fcinfo);
  }
  crm_flat_forget(s); /* it changes: its last flattening is no longer its state */
  other = crm_state_object(PG_GETARG_DATUM(1));
  if (other == NULL) other = crm_flat_owner(PG_GETARG_DATUM(1)); /* our own partial state: read in place */
  if (other != NULL) { /* an expanded state of someone else's, or our partial state's accumulator: read only */
    trace = crm_trace_begin(&t);
    if (!crm_pg_state_merge(s->state, other->state, &err)) crm_raise(&err);
    crm_trace_end(trace, &t, "merge", 0);
    crm_account(s);
    PG_RETURN_DATUM(EOHPGetRWDatum(&s->hdr));
  }
  {
    /* a serialized state (a parallel worker's, the leader's own partial state, a shard's) is
     * merged straight from its bytes: no accumulator is built for it (core.h,
     * crm_pg_state_merge_bytes; docs/postgresql.md, "Where the time goes") */
    bytea* b = PG_GETARG_BYTEA_PP(1);
    trace = crm_trace_begin(&t);
    if (!crm_pg_state_merge_bytes(s->state, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), &err)) crm_raise(&err);
    crm_trace_end(trace, &t, "merge_bytes", VARSIZE_ANY_EXHDR(b));
    crm_account(s);
  }
  PG_RETURN_DATUM(EOHPGetRWDatum(&s->hdr));
}

/* ---- the final function of the crm_*_state aggregates: the state itself, without flattening ----
 * Without a final function PostgreSQL copies the aggregate's result out of the aggregate's memory
 * (datumCopy), and copying an expanded object flattens it: a state read by a result function in
 * the same query, e.g. SELECT (crm_rfm_rows(crm_rfm_state(...))).* FROM orders, was serialized and
 * read back (0.19 s + 0.34 s of the RFM summary of 1M customers). It is not copied when it is an
 * expanded object whose header lives in the current memory context (nodeAgg's MemoryContextContains
 * test reads the context stored just before the read-write pointer: eoh_context). So the final
 * function returns a view: a header made in the current (per-output-row) context that points to the
 * aggregate's accumulator without owning it (no reset callback, no memory accounted). The
 * accumulator outlives the view: the aggregate's context is reset only when the Agg node is asked
 * for its next row or rescanned, after which the row's context, and the view, are reset too. A
 * consumer that keeps the value (a table, a sort, a parallel worker's result) flattens it, reading
 * the accumulator while it is alive; result functions read it in place. */
PG_FUNCTION_INFO_V1(crm_state_final);
Datum crm_state_final(PG_FUNCTION_ARGS) {
  CrmState* s;
  CrmState* v;
  crm_pg_error err;
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  s = crm_state_object(PG_GETARG_DATUM(0));
  if (s == NULL || s->state == NULL || !AggCheckCallContext(fcinfo, NULL)) PG_RETURN_DATUM(PG_GETARG_DATUM(0));
  /* a row kept back for a batch is added now: an invalid one is an error of this aggregate even
   * when nothing reads its result */
  if (!crm_pg_state_sync(s->state, &err)) crm_raise(&err);
  v = (CrmState*)palloc0(sizeof(CrmState));
  EOH_init_header(&v->hdr, &crm_state_methods, CurrentMemoryContext);
  v->state = s->state;
  PG_RETURN_DATUM(EOHPGetRWDatum(&v->hdr));
}

/* ---- results of states ----------------------------------------------------------------------- */
/* 1 when the function's result (or a column of its composite result) is numeric: the money
 * columns then come as numeric, from a state of either number type. */
static int crm_wants_numeric(FunctionCallInfo fcinfo) {
  Oid rt;
  TupleDesc td;
  int k;
  if (get_call_result_type(fcinfo, &rt, &td) == TYPEFUNC_COMPOSITE) {
    for (k = 0; k < td->natts; ++k)
      if (TupleDescAttr(td, k)->atttypid == NUMERICOID) return 1;
    return 0;
  }
  return rt == NUMERICOID;
}

static void crm_result_of(FunctionCallInfo fcinfo, int what, int kind, double param, crm_pg_row* row) {
  crm_pg_error err;
  if (!crm_pg_state_result(crm_state_arg(fcinfo, 0, kind), what, crm_wants_numeric(fcinfo), param, row, &err))
    crm_raise(&err);
}
/* Column `column` of a result row as the function's scalar result (NULL when undefined). */
static Datum crm_result_column(FunctionCallInfo fcinfo, const crm_pg_row* r, int column) {
  const crm_pg_col* c = &r->col[column];
  if (c->type == CRM_PG_NUMERIC)
    PG_RETURN_DATUM(DirectFunctionCall3(numeric_in, CStringGetDatum(r->text + c->i), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
  if (c->type != CRM_PG_FLOAT8) PG_RETURN_NULL();
  PG_RETURN_FLOAT8(c->f);
}

PG_FUNCTION_INFO_V1(crm_orders_result_fn);
Datum crm_orders_result_fn(PG_FUNCTION_ARGS) {
  crm_pg_row r;
  crm_result_of(fcinfo, CRM_PG_RESULT_ORDERS, 0, 0, &r);
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}

/* One column of crm_orders_summary (NULL when undefined, e.g. no orders). */
#define CRM_ORDERS_FIELD_FN(fname, column)                          \
  PG_FUNCTION_INFO_V1(fname);                                       \
  Datum fname(PG_FUNCTION_ARGS) {                                   \
    crm_pg_row r;                                                   \
    crm_result_of(fcinfo, CRM_PG_RESULT_ORDERS, 0, 0, &r);          \
    return crm_result_column(fcinfo, &r, column);                   \
  }
CRM_ORDERS_FIELD_FN(crm_average_check_final, 7)
CRM_ORDERS_FIELD_FN(crm_repeat_purchase_share_final, 8)
CRM_ORDERS_FIELD_FN(crm_purchase_frequency_final, 9)
CRM_ORDERS_FIELD_FN(crm_days_between_purchases_final, 10)

PG_FUNCTION_INFO_V1(crm_nps_result_fn);
Datum crm_nps_result_fn(PG_FUNCTION_ARGS) {
  crm_pg_row r;
  crm_result_of(fcinfo, CRM_PG_RESULT_NPS, CRM_PG_NPS, PG_NARGS() > 1 ? PG_GETARG_FLOAT8(1) : 0.95, &r);
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}

PG_FUNCTION_INFO_V1(crm_csat_result_fn);
Datum crm_csat_result_fn(PG_FUNCTION_ARGS) {
  crm_pg_row r;
  crm_result_of(fcinfo, CRM_PG_RESULT_CSAT, CRM_PG_CSAT, PG_NARGS() > 1 ? PG_GETARG_FLOAT8(1) : 0.95, &r);
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}

/* crm_spend_total(state): the total spend of a spend state */
PG_FUNCTION_INFO_V1(crm_spend_total_fn);
Datum crm_spend_total_fn(PG_FUNCTION_ARGS) {
  crm_pg_row r;
  crm_result_of(fcinfo, CRM_PG_RESULT_SPEND, CRM_PG_SPEND, 0, &r);
  return crm_result_column(fcinfo, &r, 0);
}

PG_FUNCTION_INFO_V1(crm_email_result_fn);
Datum crm_email_result_fn(PG_FUNCTION_ARGS) {
  crm_pg_row r;
  crm_result_of(fcinfo, CRM_PG_RESULT_EMAIL, CRM_PG_EMAIL, 0, &r);
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}

#define CRM_RESULT_FN(fname, what, kind)             \
  PG_FUNCTION_INFO_V1(fname);                        \
  Datum fname(PG_FUNCTION_ARGS) {                    \
    crm_pg_row r;                                    \
    crm_result_of(fcinfo, what, kind, 0, &r);        \
    PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));      \
  }
CRM_RESULT_FN(crm_fit_bg_nbd_fn, CRM_PG_RESULT_BG_NBD, 0)
CRM_RESULT_FN(crm_fit_pareto_nbd_fn, CRM_PG_RESULT_PARETO_NBD, 0)
CRM_RESULT_FN(crm_fit_bg_bb_fn, CRM_PG_RESULT_BG_BB, CRM_PG_FIT)
CRM_RESULT_FN(crm_fit_gamma_gamma_fn, CRM_PG_RESULT_GAMMA_GAMMA, CRM_PG_RFM)
CRM_RESULT_FN(crm_rfm_totals_fn, CRM_PG_RESULT_RFM, CRM_PG_RFM)

/* Row sets of a state, owned by the current (per-call) context while they are read. */
/* The rows of a state (traced as rows: e.g. the RFM summary of a merged state, its day counts
 * recounted). */
static void* crm_state_rows_traced(const void* st, int what, int numeric, size_t* count, crm_pg_error* err) {
  instr_time t;
  bool trace = crm_trace_begin(&t);
  void* rows = crm_pg_state_rows(st, what, numeric, count, err);
  crm_trace_end(trace, &t, "rows", crm_pg_state_weight(st));
  return rows;
}
static void* crm_rows_of(FunctionCallInfo fcinfo, int what, int kind, size_t* count) {
  const void* st = crm_state_arg(fcinfo, 0, kind);
  MemoryContextCallback* cb = crm_own_prepare(CurrentMemoryContext);
  crm_pg_error err;
  void* rows = crm_state_rows_traced(st, what, crm_wants_numeric(fcinfo), count, &err);
  if (rows == NULL) crm_raise(&err);
  crm_own(CurrentMemoryContext, cb, crm_rows_free_cb, rows);
  return rows;
}

/* A set-returning function: every row, materialized into a tuplestore. */
static Datum crm_rows_srf(FunctionCallInfo fcinfo, int what, int kind) {
  ReturnSetInfo* rsinfo = (ReturnSetInfo*)fcinfo->resultinfo;
  size_t count = 0, i;
  void* rows;
  crm_pg_row r;
  Datum v[CRM_PG_MAX_COLS];
  bool n[CRM_PG_MAX_COLS];
  InitMaterializedSRF(fcinfo, 0);
  rows = crm_rows_of(fcinfo, what, kind, &count);
  for (i = 0; i < count; ++i) {
    crm_pg_error err;
    if (!crm_pg_rows_get(rows, i, &r, &err)) crm_raise(&err);
    crm_row_values(&r, v, n);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
  }
  return (Datum)0;
}
PG_FUNCTION_INFO_V1(crm_rfm_rows_fn);
Datum crm_rfm_rows_fn(PG_FUNCTION_ARGS) { return crm_rows_srf(fcinfo, CRM_PG_ROWS_RFM, CRM_PG_RFM); }
PG_FUNCTION_INFO_V1(crm_cohort_rows_fn);
Datum crm_cohort_rows_fn(PG_FUNCTION_ARGS) { return crm_rows_srf(fcinfo, CRM_PG_ROWS_COHORT, CRM_PG_PERIODS); }
PG_FUNCTION_INFO_V1(crm_period_rows_fn);
Datum crm_period_rows_fn(PG_FUNCTION_ARGS) { return crm_rows_srf(fcinfo, CRM_PG_ROWS_PERIOD, CRM_PG_PERIODS); }
/* Every row as one array of the function's composite element type: the final function of an
 * aggregate reads the running state itself, with no serialization (a set-returning function
 * cannot be a final function, and its state argument would be flattened and read back). For the
 * cohort matrix and the period rows, whose row count is the number of periods, not customers. */
static Datum crm_rows_array(FunctionCallInfo fcinfo, int what, int kind) {
  Oid array_type = get_fn_expr_rettype(fcinfo->flinfo);
  Oid elem_type = get_element_type(array_type);
  TupleDesc td;
  size_t count = 0, i;
  void* rows;
  Datum* elems;
  Datum v[CRM_PG_MAX_COLS];
  bool n[CRM_PG_MAX_COLS];
  crm_pg_row r;
  crm_pg_error err;
  int numeric = 0, k;
  int16 typlen;
  bool typbyval;
  char typalign;
  if (!OidIsValid(elem_type)) ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH), errmsg("crm_metrics: result is not an array")));
  td = lookup_rowtype_tupdesc_copy(elem_type, -1);
  for (k = 0; k < td->natts; ++k)
    if (TupleDescAttr(td, k)->atttypid == NUMERICOID) numeric = 1;
  {
    const void* st = crm_state_arg(fcinfo, 0, kind);
    MemoryContextCallback* cb = crm_own_prepare(CurrentMemoryContext);
    rows = crm_state_rows_traced(st, what, numeric, &count, &err);
    if (rows == NULL) crm_raise(&err);
    crm_own(CurrentMemoryContext, cb, crm_rows_free_cb, rows);
  }
  if (count > (size_t)MaxArraySize) ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("crm_metrics: too many rows for an array")));
  elems = (Datum*)palloc(sizeof(Datum) * (count > 0 ? count : 1));
  for (i = 0; i < count; ++i) {
    if (!crm_pg_rows_get(rows, i, &r, &err)) crm_raise(&err);
    if (r.n != td->natts)
      ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH), errmsg("crm_metrics: result type has %d columns, the library gave %d", td->natts, r.n)));
    crm_row_values(&r, v, n);
    elems[i] = HeapTupleGetDatum(heap_form_tuple(td, v, n));
  }
  get_typlenbyvalalign(elem_type, &typlen, &typbyval, &typalign);
  PG_RETURN_ARRAYTYPE_P(construct_array(elems, (int)count, elem_type, typlen, typbyval, typalign));
}
PG_FUNCTION_INFO_V1(crm_cohort_cells_fn);
Datum crm_cohort_cells_fn(PG_FUNCTION_ARGS) { return crm_rows_array(fcinfo, CRM_PG_ROWS_COHORT, CRM_PG_PERIODS); }
PG_FUNCTION_INFO_V1(crm_period_cells_fn);
Datum crm_period_cells_fn(PG_FUNCTION_ARGS) { return crm_rows_array(fcinfo, CRM_PG_ROWS_PERIOD, CRM_PG_PERIODS); }

PG_FUNCTION_INFO_V1(crm_spend_channels_fn);
Datum crm_spend_channels_fn(PG_FUNCTION_ARGS) { return crm_rows_srf(fcinfo, CRM_PG_ROWS_SPEND_CHANNEL, CRM_PG_SPEND); }
PG_FUNCTION_INFO_V1(crm_spend_periods_fn);
Datum crm_spend_periods_fn(PG_FUNCTION_ARGS) { return crm_rows_srf(fcinfo, CRM_PG_ROWS_SPEND_PERIOD, CRM_PG_SPEND); }

/* The RFM row of a state holding one customer (the aggregate grouped by customer); NULL for none. */
PG_FUNCTION_INFO_V1(crm_rfm_one_fn);
Datum crm_rfm_one_fn(PG_FUNCTION_ARGS) {
  size_t count = 0;
  void* rows = crm_rows_of(fcinfo, CRM_PG_ROWS_RFM, CRM_PG_RFM, &count);
  crm_pg_row r;
  if (count == 0) PG_RETURN_NULL();
  if (count > 1)
    crm_bad_input("crm_rfm: customer must be the same on every row (group by the customer, or use crm_rfm_state and crm_rfm_rows)");
  {
    crm_pg_error err;
    if (!crm_pg_rows_get(rows, 0, &r, &err)) crm_raise(&err);
  }
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}

/* ---- predictions from a model composite ---------------------------------------------------------- */
/* A model composite (core.h, crm_pg_model): its float8 columns `names` (n of them, NULLs marked) and,
 * with_boundary, its text column `boundary` (NULL for an interior fit). */
static void crm_model_arg(FunctionCallInfo fcinfo, int argno, const char* const* names, int n, bool with_boundary,
                          crm_pg_model* m) {
  HeapTupleHeader t = PG_GETARG_HEAPTUPLEHEADER(argno);
  int k;
  bool null = false;
  Datum d;
  m->nulls = 0;
  m->boundary = NULL;
  m->covariance_size = 0;
  for (k = 0; k < n; ++k) {
    d = GetAttributeByName(t, names[k], &null);
    m->v[k] = null ? 0.0 : DatumGetFloat8(d);
    if (null) m->nulls |= 1u << k;
  }
  if (with_boundary) {
    d = GetAttributeByName(t, "boundary", &null);
    if (!null) m->boundary = text_to_cstring(DatumGetTextPP(d));
  }
}
/* Raises a prediction's error: one that the library cannot answer at the fit's boundary (0A000) under
 * the SQL function `fn`; the others as crm_raise_as(err, where, fn, NULL, NULL) does. */
static void crm_raise_prediction(const crm_pg_error* err, const char* where, const char* fn) pg_attribute_noreturn();
static void crm_raise_prediction(const crm_pg_error* err, const char* where, const char* fn) {
  if (err->status == CRM_PG_NOT_SUPPORTED) {
    CHECK_FOR_INTERRUPTS();
    ereport(ERROR, (errcode(crm_sqlstate(err->status)), errmsg("%s: %s", fn, err->message)));
  }
  if (where == NULL) crm_raise(err);
  crm_raise_as(err, where, fn, NULL, NULL);
}
/* The `covariance` column of the model composite of argument `argno` into m (covariance_size 0 when
 * NULL): a square float8[][] of at most CRM_PG_MAX_PARAMETERS rows without NULLs, else an ERROR 22023
 * naming the SQL function. */
static void crm_covariance_arg(FunctionCallInfo fcinfo, int argno, const char* fn, crm_pg_model* m) {
  bool null = false;
  Datum d = GetAttributeByName(PG_GETARG_HEAPTUPLEHEADER(argno), "covariance", &null);
  ArrayType* a;
  Datum* elems;
  bool* nulls;
  int n, k;
  m->covariance_size = 0;
  if (null) return;
  a = DatumGetArrayTypeP(d);
  deconstruct_array(a, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &n);
  if (ARR_NDIM(a) != 2 || ARR_DIMS(a)[0] != ARR_DIMS(a)[1] || ARR_DIMS(a)[0] > CRM_PG_MAX_PARAMETERS)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s: covariance must be a square matrix (float8[][]) of at most %d rows", fn, CRM_PG_MAX_PARAMETERS)));
  for (k = 0; k < n; ++k) {
    if (nulls[k]) ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s: covariance has a NULL entry", fn)));
    m->covariance[k] = DatumGetFloat8(elems[k]);
  }
  m->covariance_size = ARR_DIMS(a)[0];
}
static const char* const crm_bg_nbd_names[5] = {"r", "alpha", "a", "b", "p"};
static const char* const crm_pareto_names[5] = {"r", "alpha", "s", "beta", "mu"};
static const char* const crm_gg_names[4] = {"p", "q", "gamma", "scale"};
static const char* const crm_bg_bb_names[6] = {"alpha", "beta", "gamma", "delta", "theta", "p"};
static const char* crm_fn_name(FunctionCallInfo fcinfo) { return get_func_name(fcinfo->flinfo->fn_oid); }

/* BG/NBD: what 0 P(alive), 1 expected purchases; Gamma-Gamma: what 2, the expected spend */
static Datum crm_bg_nbd_predict_fn(FunctionCallInfo fcinfo, int what) {
  crm_pg_model m;
  crm_pg_error err;
  double out = 0;
  bool null = false;
  crm_model_arg(fcinfo, 0, what == 2 ? crm_gg_names : crm_bg_nbd_names, what == 2 ? 4 : 5, true, &m);
  if (!crm_pg_bg_nbd_predict(&m, what, PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2), what == 2 ? 0.0 : PG_GETARG_FLOAT8(3),
                             what == 1 ? PG_GETARG_FLOAT8(4) : 0.0, &out, &null, &err))
    crm_raise_prediction(&err, NULL, crm_fn_name(fcinfo));
  if (null) PG_RETURN_NULL();
  PG_RETURN_FLOAT8(out);
}
PG_FUNCTION_INFO_V1(crm_bg_nbd_p_alive_fn);
Datum crm_bg_nbd_p_alive_fn(PG_FUNCTION_ARGS) { return crm_bg_nbd_predict_fn(fcinfo, 0); }
PG_FUNCTION_INFO_V1(crm_bg_nbd_expected_fn);
Datum crm_bg_nbd_expected_fn(PG_FUNCTION_ARGS) { return crm_bg_nbd_predict_fn(fcinfo, 1); }
PG_FUNCTION_INFO_V1(crm_gamma_gamma_spend_fn);
Datum crm_gamma_gamma_spend_fn(PG_FUNCTION_ARGS) { return crm_bg_nbd_predict_fn(fcinfo, 2); }

/* A prediction of a Pareto/NBD or BG/BB model: (model, frequency, recency, T [, t]) as float8. */
typedef bool (*crm_predict4)(const crm_pg_model* model, int what, double x, double tx, double age, double t, double* out,
                             bool* is_null, crm_pg_error* err);
static Datum crm_predict4_fn(FunctionCallInfo fcinfo, const char* const* names, int n, bool with_boundary, crm_predict4 predict,
                             int what) {
  crm_pg_model m;
  double out = 0;
  bool null = false;
  crm_pg_error err;
  crm_model_arg(fcinfo, 0, names, n, with_boundary, &m);
  if (!predict(&m, what, PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2), PG_GETARG_FLOAT8(3), PG_NARGS() > 4 ? PG_GETARG_FLOAT8(4) : 0.0,
               &out, &null, &err)) /* BG/BB's whole-number arguments (periods, ahead, ...) under the SQL function's name */
    crm_raise_prediction(&err, "bg_bb", crm_fn_name(fcinfo));
  if (null) PG_RETURN_NULL();
  PG_RETURN_FLOAT8(out);
}
static Datum crm_pareto_nbd_predict_fn(FunctionCallInfo fcinfo, int what) {
  return crm_predict4_fn(fcinfo, crm_pareto_names, 5, true, crm_pg_pareto_nbd_predict, what);
}
PG_FUNCTION_INFO_V1(crm_pareto_nbd_p_alive_fn);
Datum crm_pareto_nbd_p_alive_fn(PG_FUNCTION_ARGS) { return crm_pareto_nbd_predict_fn(fcinfo, 0); }
PG_FUNCTION_INFO_V1(crm_pareto_nbd_expected_fn);
Datum crm_pareto_nbd_expected_fn(PG_FUNCTION_ARGS) { return crm_pareto_nbd_predict_fn(fcinfo, 1); }

/* crm_clv(model crm_bg_nbd | crm_pareto_nbd | crm_bg_bb, spend crm_gamma_gamma, frequency, recency, "T",
 * average_spend, periods int, period_length, discount_rate, margin) */
static Datum crm_clv_common(FunctionCallInfo fcinfo, int model) {
  crm_pg_model m, gg;
  double out = 0;
  bool null = false;
  crm_pg_error err;
  crm_model_arg(fcinfo, 0, model == 2 ? crm_bg_bb_names : model == 1 ? crm_pareto_names : crm_bg_nbd_names, model == 2 ? 6 : 5,
                true, &m);
  crm_model_arg(fcinfo, 1, crm_gg_names, 4, true, &gg);
  if (!crm_pg_clv(model, &m, &gg, PG_GETARG_FLOAT8(2), PG_GETARG_FLOAT8(3), PG_GETARG_FLOAT8(4), PG_GETARG_FLOAT8(5),
                  (int64_t)PG_GETARG_INT32(6), PG_GETARG_FLOAT8(7), PG_GETARG_FLOAT8(8), PG_GETARG_FLOAT8(9), &out, &null, &err))
    crm_raise_prediction(&err, "customer_lifetime_value", "crm_clv"); /* periods, period_length, ... */
  if (null) PG_RETURN_NULL();
  PG_RETURN_FLOAT8(out);
}
/* An fmgr entry point `fname` returning `expr` (of fcinfo). */
#define CRM_PG_FN(fname, expr)     \
  PG_FUNCTION_INFO_V1(fname);      \
  Datum fname(PG_FUNCTION_ARGS) { return expr; }
CRM_PG_FN(crm_clv_bg_nbd_fn, crm_clv_common(fcinfo, 0))
CRM_PG_FN(crm_clv_pareto_nbd_fn, crm_clv_common(fcinfo, 1))
CRM_PG_FN(crm_clv_bg_bb_fn, crm_clv_common(fcinfo, 2))

/* ---- BG/BB predictions: (model crm_bg_bb, frequency, recency, periods, t), whole numbers but t ---- */
CRM_PG_FN(crm_bg_bb_p_alive_fn, crm_predict4_fn(fcinfo, crm_bg_bb_names, 6, true, crm_pg_bg_bb_predict, 0))
CRM_PG_FN(crm_bg_bb_expected_fn, crm_predict4_fn(fcinfo, crm_bg_bb_names, 6, true, crm_pg_bg_bb_predict, 1))
CRM_PG_FN(crm_bg_bb_dert_fn, crm_predict4_fn(fcinfo, crm_bg_bb_names, 6, true, crm_pg_bg_bb_predict, 2))

/* ---- prediction intervals: (model, the prediction's `args` float8 arguments, level float8, method text)
 * -> crm_estimate; kind and what as core.h's crm_pg_interval; a library error names the SQL function ---- */
static Datum crm_interval_fn(FunctionCallInfo fcinfo, int kind, int what, int args) {
  const char* fn = crm_fn_name(fcinfo);
  crm_pg_model m;
  crm_pg_row r;
  crm_pg_error err;
  bool null = false;
  double a[4] = {0, 0, 0, 0};
  int k;
  char* method = text_to_cstring(PG_GETARG_TEXT_PP(args + 2));
  crm_model_arg(fcinfo, 0, kind == 3 ? crm_gg_names : kind == 2 ? crm_bg_bb_names : kind == 1 ? crm_pareto_names : crm_bg_nbd_names,
                kind == 3 ? 4 : kind == 2 ? 6 : 5, true, &m);
  crm_covariance_arg(fcinfo, 0, fn, &m);
  for (k = 0; k < args && k < 4; ++k) a[k] = PG_GETARG_FLOAT8(k + 1);
  if (!crm_pg_interval(kind, &m, what, a[0], a[1], a[2], a[3], PG_GETARG_FLOAT8(args + 1), method, &r, &null, &err)) {
    if (err.status == CRM_PG_NOT_SUPPORTED) crm_raise_prediction(&err, NULL, fn);
    crm_raise_as(&err, NULL, fn, NULL, NULL);
  }
  if (null) PG_RETURN_NULL();
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}
CRM_PG_FN(crm_bg_nbd_p_alive_interval_fn, crm_interval_fn(fcinfo, 0, 0, 3))
CRM_PG_FN(crm_bg_nbd_expected_interval_fn, crm_interval_fn(fcinfo, 0, 1, 4))
CRM_PG_FN(crm_pareto_nbd_p_alive_interval_fn, crm_interval_fn(fcinfo, 1, 0, 3))
CRM_PG_FN(crm_pareto_nbd_expected_interval_fn, crm_interval_fn(fcinfo, 1, 1, 4))
CRM_PG_FN(crm_bg_bb_p_alive_interval_fn, crm_interval_fn(fcinfo, 2, 0, 4))
CRM_PG_FN(crm_bg_bb_expected_interval_fn, crm_interval_fn(fcinfo, 2, 1, 4))
CRM_PG_FN(crm_bg_bb_dert_interval_fn, crm_interval_fn(fcinfo, 2, 2, 4))
CRM_PG_FN(crm_gamma_gamma_spend_interval_fn, crm_interval_fn(fcinfo, 3, 0, 2))

/* ---- whole-base intervals: (model, state bytea (crm_fit_state's; an RFM state for BG/NBD and Pareto/NBD),
 * [t float8,] level float8, method text) -> crm_estimate; kind as crm_interval_fn, what 0 the expected number
 * of active customers, 1 the expected purchases of the base in the next t (core.h, crm_pg_total_interval) ---- */
static Datum crm_total_interval_fn(FunctionCallInfo fcinfo, int kind, int what) {
  const char* fn = crm_fn_name(fcinfo);
  const int at = what == 1 ? 3 : 2; /* level, then method */
  crm_pg_model m;
  crm_pg_row r;
  crm_pg_error err;
  bool null = false;
  char* method = text_to_cstring(PG_GETARG_TEXT_PP(at + 1));
  crm_model_arg(fcinfo, 0, kind == 2 ? crm_bg_bb_names : kind == 1 ? crm_pareto_names : crm_bg_nbd_names, kind == 2 ? 6 : 5, true, &m);
  crm_covariance_arg(fcinfo, 0, fn, &m);
  if (!crm_pg_total_interval(kind, &m, crm_state_arg(fcinfo, 1, kind == 2 ? CRM_PG_FIT : 0), what, what == 1 ? PG_GETARG_FLOAT8(2) : 0,
                             PG_GETARG_FLOAT8(at), method, &r, &null, &err)) {
    if (err.status == CRM_PG_NOT_SUPPORTED) crm_raise_prediction(&err, NULL, fn);
    crm_raise_as(&err, NULL, fn, NULL, NULL);
  }
  if (null) PG_RETURN_NULL();
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}
CRM_PG_FN(crm_bg_nbd_active_total_interval_fn, crm_total_interval_fn(fcinfo, 0, 0))
CRM_PG_FN(crm_bg_nbd_purchases_total_interval_fn, crm_total_interval_fn(fcinfo, 0, 1))
CRM_PG_FN(crm_pareto_nbd_active_total_interval_fn, crm_total_interval_fn(fcinfo, 1, 0))
CRM_PG_FN(crm_pareto_nbd_purchases_total_interval_fn, crm_total_interval_fn(fcinfo, 1, 1))
CRM_PG_FN(crm_bg_bb_active_total_interval_fn, crm_total_interval_fn(fcinfo, 2, 0))
CRM_PG_FN(crm_bg_bb_purchases_total_interval_fn, crm_total_interval_fn(fcinfo, 2, 1))

/* crm_clv_interval(model crm_bg_nbd | crm_pareto_nbd | crm_bg_bb, spend crm_gamma_gamma, the arguments of
 * crm_clv, level float8, method text) -> crm_estimate; `base`: crm_clv_base_interval(model crm_bg_nbd |
 * crm_pareto_nbd, spend, state bytea (an RFM state), periods int, period_length, discount_rate, margin,
 * level, method), the whole base's (core.h) */
static Datum crm_clv_interval_common(FunctionCallInfo fcinfo, int model, bool base) {
  const char* fn = crm_fn_name(fcinfo);
  const int h = base ? 3 : 6; /* periods, then period_length, discount_rate, margin, level, method */
  crm_pg_model m, gg;
  crm_pg_row r;
  crm_pg_error err;
  bool null = false;
  char* method = text_to_cstring(PG_GETARG_TEXT_PP(h + 5));
  crm_model_arg(fcinfo, 0, model == 2 ? crm_bg_bb_names : model == 1 ? crm_pareto_names : crm_bg_nbd_names, model == 2 ? 6 : 5,
                true, &m);
  crm_covariance_arg(fcinfo, 0, fn, &m);
  crm_model_arg(fcinfo, 1, crm_gg_names, 4, true, &gg);
  crm_covariance_arg(fcinfo, 1, fn, &gg);
  if (!crm_pg_clv_interval(model, &m, &gg, base ? crm_state_arg(fcinfo, 2, CRM_PG_RFM) : NULL, base ? 0 : PG_GETARG_FLOAT8(2),
                           base ? 0 : PG_GETARG_FLOAT8(3), base ? 0 : PG_GETARG_FLOAT8(4), base ? 0 : PG_GETARG_FLOAT8(5),
                           (int64_t)PG_GETARG_INT32(h), PG_GETARG_FLOAT8(h + 1), PG_GETARG_FLOAT8(h + 2), PG_GETARG_FLOAT8(h + 3),
                           PG_GETARG_FLOAT8(h + 4), method, &r, &null, &err)) {
    if (err.status == CRM_PG_NOT_SUPPORTED) crm_raise_prediction(&err, NULL, fn);
    crm_raise_as(&err, NULL, fn, NULL, NULL);
  }
  if (null) PG_RETURN_NULL();
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}
CRM_PG_FN(crm_clv_interval_bg_nbd_fn, crm_clv_interval_common(fcinfo, 0, false))
CRM_PG_FN(crm_clv_interval_pareto_nbd_fn, crm_clv_interval_common(fcinfo, 1, false))
CRM_PG_FN(crm_clv_interval_bg_bb_fn, crm_clv_interval_common(fcinfo, 2, false))
CRM_PG_FN(crm_clv_base_interval_bg_nbd_fn, crm_clv_interval_common(fcinfo, 0, true))
CRM_PG_FN(crm_clv_base_interval_pareto_nbd_fn, crm_clv_interval_common(fcinfo, 1, true))

/* ---- contractual retention: sBG and BdW ------------------------------------------------------- */
/* crm_fit_sbg(survivors bigint[]) / crm_fit_bdw(survivors bigint[]): one cohort's survivors at
 * periods 0, 1, ..., k, or several cohorts as the rows of a 2-D array, each ending at its last
 * observed period (the rest of its row NULL). A NULL before an observed count is an error. */
static Datum crm_fit_contract_fn(FunctionCallInfo fcinfo, int weibull) {
  const char* name = weibull ? "crm::fit_bdw" : "crm::fit_sbg";
  ArrayType* a = PG_GETARG_ARRAYTYPE_P(0);
  Datum* elems;
  bool* nulls;
  int n, k, c;
  int cohorts = ARR_NDIM(a) == 2 ? ARR_DIMS(a)[0] : 1;
  int width;
  int64_t* s;
  size_t* lengths;
  size_t used = 0;
  crm_pg_row r;
  crm_pg_error err;
  if (ARR_NDIM(a) > 2)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s: survivors must be one cohort (1-D) or one cohort per row (2-D)", name)));
  deconstruct_array(a, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &n);
  width = cohorts > 0 ? n / cohorts : 0;
  s = (int64_t*)palloc(sizeof(int64_t) * (n > 0 ? (size_t)n : 1));
  lengths = (size_t*)palloc(sizeof(size_t) * (cohorts > 0 ? (size_t)cohorts : 1));
  for (c = 0; c < cohorts; ++c) {
    size_t len = 0;
    for (k = 0; k < width; ++k) {
      const int at = c * width + k;
      if (nulls[at]) continue;
      if ((size_t)k != len)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s: survivors has a NULL count before an observed one", name)));
      s[used++] = DatumGetInt64(elems[at]);
      ++len;
    }
    lengths[c] = len;
  }
  if (!crm_pg_fit_contract(weibull, s, lengths, (size_t)cohorts, &r, &err)) crm_raise(&err);
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}
CRM_PG_FN(crm_fit_sbg_fn, crm_fit_contract_fn(fcinfo, 0))
CRM_PG_FN(crm_fit_bdw_fn, crm_fit_contract_fn(fcinfo, 1))

/* crm_contract_value(model crm_sbg | crm_bdw, what int, n bigint, discount_rate float8, margin float8):
 * the value `what` of core.h's crm_pg_contract_value; the SQL functions crm_survival, ... call it */
static Datum crm_contract_value_fn(FunctionCallInfo fcinfo, int weibull) {
  /* crm_sbg alpha, beta, theta; crm_bdw alpha, beta, c, theta, k, tau (core.h, crm_pg_model) */
  static const char* const sbg_names[3] = {"alpha", "beta", "theta"};
  static const char* const bdw_names[6] = {"alpha", "beta", "c", "theta", "k", "tau"};
  /* the SQL function of each `what`, named in its errors, where the library's field "period" is t */
  static const char* const fns[8] = {"crm_survival", "crm_churn_probability", "crm_retention_rate", "crm_expected_lifetime",
                                     "crm_discounted_expected_lifetime", "crm_discounted_expected_residual_lifetime",
                                     "crm_residual_lifetime_value", "crm_expected_lifetime"};
  const int what = PG_GETARG_INT32(1);
  const char* fn = what >= 0 && what < 8 ? fns[what] : "crm_contract_value";
  crm_pg_model m;
  double out = 0;
  bool null = false;
  crm_pg_error err;
  crm_model_arg(fcinfo, 0, weibull ? bdw_names : sbg_names, weibull ? 6 : 3, true, &m);
  if (!crm_pg_contract_value(weibull, &m, what, PG_GETARG_INT64(2), PG_GETARG_FLOAT8(3), PG_GETARG_FLOAT8(4), &out, &null, &err)) {
    if (err.status == CRM_PG_NOT_SUPPORTED) crm_raise_prediction(&err, NULL, fn);
    crm_raise_as(&err, NULL, fn, "period", "t");
  }
  if (null) PG_RETURN_NULL();
  PG_RETURN_FLOAT8(out);
}
CRM_PG_FN(crm_sbg_value_fn, crm_contract_value_fn(fcinfo, 0))
CRM_PG_FN(crm_bdw_value_fn, crm_contract_value_fn(fcinfo, 1))

/* A contract value with its interval (core.h, crm_pg_contract_interval): what as crm_contract_value_fn;
 * `generic`: the arguments (model, what int, n bigint, discount_rate float8, margin float8, level float8,
 * method text) of crm_contract_interval, which the SQL functions crm_churn_probability_interval,
 * crm_expected_lifetime_interval, ... call (errors name them by `what`); else (model, t bigint, level float8,
 * method text) of crm_survival_interval and crm_retention_rate_interval -> crm_estimate */
static Datum crm_contract_interval_fn(FunctionCallInfo fcinfo, int weibull, int what, bool generic) {
  static const char* const sbg_names[3] = {"alpha", "beta", "theta"};
  static const char* const bdw_names[6] = {"alpha", "beta", "c", "theta", "k", "tau"};
  static const char* const fns[8] = {"crm_survival_interval", "crm_churn_probability_interval", "crm_retention_rate_interval",
                                     "crm_expected_lifetime_interval", "crm_discounted_expected_lifetime_interval",
                                     "crm_discounted_expected_residual_lifetime_interval", "crm_residual_lifetime_value_interval",
                                     "crm_contract_interval"}; /* 7, within n periods: no named function */
  const int w = generic ? PG_GETARG_INT32(1) : what;
  const char* fn = !generic ? crm_fn_name(fcinfo) : w >= 0 && w < 8 ? fns[w] : "crm_contract_interval";
  const int at = generic ? 5 : 2; /* level, then method */
  crm_pg_model m;
  crm_pg_row r;
  crm_pg_error err;
  bool null = false;
  char* method = text_to_cstring(PG_GETARG_TEXT_PP(at + 1));
  crm_model_arg(fcinfo, 0, weibull ? bdw_names : sbg_names, weibull ? 6 : 3, true, &m);
  crm_covariance_arg(fcinfo, 0, fn, &m);
  if (!crm_pg_contract_interval(weibull, &m, w, PG_GETARG_INT64(generic ? 2 : 1), generic ? PG_GETARG_FLOAT8(3) : 0,
                                generic ? PG_GETARG_FLOAT8(4) : 1, PG_GETARG_FLOAT8(at), method, &r, &null, &err)) {
    if (err.status == CRM_PG_NOT_SUPPORTED) crm_raise_prediction(&err, NULL, fn);
    crm_raise_as(&err, NULL, fn, "period", "t");
  }
  if (null) PG_RETURN_NULL();
  PG_RETURN_DATUM(crm_row_tuple(fcinfo, &r));
}
CRM_PG_FN(crm_sbg_survival_interval_fn, crm_contract_interval_fn(fcinfo, 0, 0, false))
CRM_PG_FN(crm_bdw_survival_interval_fn, crm_contract_interval_fn(fcinfo, 1, 0, false))
CRM_PG_FN(crm_sbg_retention_interval_fn, crm_contract_interval_fn(fcinfo, 0, 2, false))
CRM_PG_FN(crm_bdw_retention_interval_fn, crm_contract_interval_fn(fcinfo, 1, 2, false))
CRM_PG_FN(crm_sbg_value_interval_fn, crm_contract_interval_fn(fcinfo, 0, 0, true))
CRM_PG_FN(crm_bdw_value_interval_fn, crm_contract_interval_fn(fcinfo, 1, 0, true))
