// Compile-only check of what README.md ("Copying": the metric layer `<crm/metrics.hpp>` needs only the
// standard library) and docs/aggregation.md (the aggregation layer needs only the standard library,
// plus the model headers for rfm_row and spend_row; `<crm/aggregate/csv.hpp>` needs only the standard
// library) promise a reader who copies include/ without Boost or {fmt}: none of these headers
// includes a Boost or {fmt} header. Every Boost header includes <boost/config.hpp> (guard
// BOOST_CONFIG_HPP) and every {fmt} header <fmt/core.h> (FMT_VERSION), so either macro defined here
// means one was pulled in. `<crm/aggregate/rfm.hpp>` (and so `<crm/aggregate.hpp>`) is left out: it
// includes the model headers, which need Boost.Math, as the docs say.
#include <crm/aggregate/cohort.hpp>
#include <crm/aggregate/csv.hpp>
#include <crm/aggregate/customer_table.hpp>
#include <crm/aggregate/email.hpp>
#include <crm/aggregate/ids.hpp>
#include <crm/aggregate/orders.hpp>
#include <crm/aggregate/parallel.hpp>
#include <crm/aggregate/periods.hpp>
#include <crm/aggregate/records.hpp>
#include <crm/aggregate/report.hpp>
#include <crm/aggregate/survey.hpp>
#include <crm/metrics.hpp>

#if defined(BOOST_CONFIG_HPP) || defined(BOOST_VERSION)
#error "a header documented as needing only the standard library includes a Boost header"
#endif
#if defined(FMT_VERSION)
#error "a header documented as needing only the standard library includes a {fmt} header"
#endif
