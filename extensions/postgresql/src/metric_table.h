/* crm_metrics PostgreSQL extension: the one table of formula metrics exposed as SQL functions.
 * X(name, input struct, fields): crm::<name> of <crm/metrics.hpp> on the struct, one SQL argument per
 * field in this order; M = a number (float8 or numeric in SQL), C = a count (bigint in SQL). From it
 * core.cpp builds the evaluation, glue.c the fmgr entry points and gen_sql.cpp the CREATE FUNCTION
 * statements: crm_<name>(...) over float8 and, when the metric has an M field, over numeric (exact,
 * through crm::decimal50). Only metrics whose input is one flat struct are listed; the e-mail rates
 * come from the crm_email_funnel aggregate.
 * SPDX-License-Identifier: MIT */
#ifndef CRM_PG_METRIC_TABLE_H
#define CRM_PG_METRIC_TABLE_H

#include <boost/preprocessor/seq/for_each.hpp>
#include <boost/preprocessor/seq/for_each_i.hpp>
#include <boost/preprocessor/seq/size.hpp>
#include <boost/preprocessor/stringize.hpp>
#include <boost/preprocessor/tuple/elem.hpp>

#define CRM_PG_METRICS(X)                                                                                          \
  X(conversion_rate, conversion_counts, ((C, actions))((C, audience)))                                             \
  X(lead_conversion, lead_counts, ((C, new_customers))((C, leads)))                                                \
  X(visitor_to_lead, visitor_counts, ((C, leads))((C, visitors)))                                                  \
  X(customer_base_growth, customer_base, ((C, customers_at_start))((C, customers_at_end)))                        \
  X(cac, acquisition_costs<T>, ((M, marketing_and_sales_cost))((C, new_customers)))                               \
  X(channel_share, channel_counts, ((C, channel_new_customers))((C, all_new_customers)))                          \
  X(subscriber_growth_rate, subscriber_counts, ((C, at_start))((C, at_end))((C, new_subscribers)))                 \
  X(new_subscriber_rate, subscriber_counts, ((C, at_start))((C, at_end))((C, new_subscribers)))                    \
  X(nps, nps_counts, ((C, promoters))((C, passives))((C, detractors)))                                             \
  X(csat, csat_counts, ((C, satisfied))((C, respondents)))                                                         \
  X(retention_rate, retention_counts, ((C, customers_at_start))((C, customers_at_end))((C, new_customers)))        \
  X(churn_rate, churn_counts, ((C, customers_at_start))((C, customers_lost)))                                      \
  X(repeat_purchase_share, repeat_counts, ((C, repeat_customers))((C, customers)))                                 \
  X(cohort_retention, cohort_counts, ((C, cohort_size))((C, active_in_period)))                                    \
  X(roi, investment<T>, ((M, revenue))((M, cost)))                                                                 \
  X(romi, marketing_investment<T>, ((M, revenue))((M, marketing_cost)))                                            \
  X(average_check, order_totals<T>, ((M, revenue))((C, orders)))                                                   \
  X(purchase_frequency, purchase_counts, ((C, orders))((C, customers)))                                            \
  X(ltv, ltv_inputs<T>, ((M, average_check))((M, purchase_frequency))((M, relationship_length)))                  \
  X(clv, clv_inputs<T>, ((M, average_check))((M, purchases))((M, customer_lifetime)))                             \
  X(gross_margin_ltv, margin_ltv_inputs<T>,                                                                        \
    ((M, average_check))((M, purchase_frequency))((M, relationship_length))((M, gross_margin)))                     \
  X(ltv_from_churn, churn_ltv_inputs<T>,                                                                           \
    ((M, average_check))((M, purchase_frequency))((M, churn_rate))((M, gross_margin)))                             \
  X(discounted_ltv, discounted_ltv_inputs<T>, ((M, margin))((M, retention_rate))((M, discount_rate)))             \
  X(cac_payback_period, payback_inputs<T>, ((M, acquisition_cost))((M, margin_per_period)))                       \
  X(ltv_to_cac, unit_economics<T>, ((M, lifetime_value))((M, acquisition_cost)))                                   \
  X(cost_to_revenue, cost_and_revenue<T>, ((M, cost))((M, revenue)))                                               \
  X(profit_per_acquired_customer, acquired_customers<T>, ((M, gross_profit))((M, acquisition_cost))((C, customers))) \
  X(unresolved_request_share, request_counts, ((C, requests))((C, unresolved)))                                    \
  X(revenue_per_manager, sales_team<T>, ((M, revenue))((C, deals))((C, managers)))                                 \
  X(deals_per_manager, sales_team<T>, ((C, deals))((C, managers)))                                   \
  X(lost_deal_share, lost_deal_counts, ((C, lost_for_reason))((C, lost_deals)))

/* Field helpers: F is a (kind, name) tuple. */
#define CRM_PG_FIELD_KIND(F) BOOST_PP_TUPLE_ELEM(2, 0, F)
#define CRM_PG_FIELD_NAME(F) BOOST_PP_TUPLE_ELEM(2, 1, F)
#define CRM_PG_KIND_CHAR_(r, data, F) BOOST_PP_STRINGIZE(CRM_PG_FIELD_KIND(F))
/* "MMC": one letter per field. */
#define CRM_PG_KINDS(fields) BOOST_PP_SEQ_FOR_EACH(CRM_PG_KIND_CHAR_, ~, fields)
#define CRM_PG_NAME_STR_(r, data, F) BOOST_PP_STRINGIZE(CRM_PG_FIELD_NAME(F)) " "
/* "revenue cost ": the field names, each followed by a space. */
#define CRM_PG_NAMES(fields) BOOST_PP_SEQ_FOR_EACH(CRM_PG_NAME_STR_, ~, fields)

#define CRM_PG_ENUM_(name, type, fields) CRM_PG_METRIC_##name,
enum crm_pg_metric_id { CRM_PG_METRICS(CRM_PG_ENUM_) CRM_PG_METRIC_COUNT };
#undef CRM_PG_ENUM_

#endif
