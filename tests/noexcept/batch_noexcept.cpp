// Built with -fno-exceptions: the try_ forms of the batch predictions (row and columnar forms)
// compute, reject the first bad row with its index, and never throw, on one and two threads, on the
// std:: path (values bit for bit);
// batch_libmvec_noexcept.cpp is the same program on the default path (libmvec where glibc has it).
#if !defined(CRM_METRICS_USE_SLEEF) && !defined(CRM_METRICS_USE_LIBMVEC) && !defined(CRM_METRICS_NO_LIBMVEC)
#define CRM_METRICS_NO_LIBMVEC 1
#endif
#include <crm/models/batch.hpp>

#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "fail.hpp"

using crm_noexcept::fail;

int main() {
  const crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
  const crm::modified_bg_nbd<double> mbg{0.525, 6.183, 0.891, 1.614};
  const crm::gamma_gamma<double> gg{6.25, 3.74, 15.44};
  std::vector<crm::rfm_row<double>> rows;
  std::vector<crm::spend_row<double>> spend_rows;
  for (int i = 0; i < 70000; ++i) {  // enough rows for two threads
    const double x = static_cast<double>(i % 5), age = 27.0 + static_cast<double>(i % 85) / 7.0;
    rows.push_back({x, x == 0 ? 0.0 : age * 0.5, age});
    spend_rows.push_back({x, x == 0 ? 0.0 : 10.0 + x, 1.0});
  }
  std::vector<double> out(rows.size());
  std::vector<double> xs, txs, ages, zs;  // the same customers as columns
  for (std::size_t i = 0; i < rows.size(); ++i)
    xs.push_back(rows[i].frequency), txs.push_back(rows[i].recency), ages.push_back(rows[i].age), zs.push_back(spend_rows[i].average_spend);
  for (const unsigned th : {1u, 2u}) {
    const crm::batch_options o{.threads = th};
    const auto a = crm::try_batch_probability_alive(bg, std::span<const crm::rfm_row<double>>(rows), std::span<double>(out), o);
    if (!a) return fail("bg alive", 1);
    const auto want = bg.try_probability_alive(rows[3]);
    if (!want || (!crm::detail::vector_math_is_vector && out[3] != *want)) return fail("bg alive value", 2);
    const auto m = crm::try_batch_probability_alive(mbg, rows, o);
    if (!m || m->size() != rows.size()) return fail("mbg alive", 3);
    const auto s = crm::try_batch_conditional_expected_average_spend(gg, spend_rows, o);
    if (!s || (*s)[7] != gg.conditional_expected_average_spend(spend_rows[7].frequency, spend_rows[7].average_spend))
      return fail("spend", 4);
    std::vector<crm::rfm_row<double>> bad = rows;
    bad[50000] = {1, 40, 39};  // recency beyond age
    const auto r = crm::try_batch_probability_alive(mbg, bad, o);
    if (r || r.row() != 50000 || std::string(r.error().field) != "recency") return fail("bad row not named", 5);
    std::vector<crm::spend_row<double>> bad_spend = spend_rows;
    bad_spend[40000] = {2, -1, 1};
    const auto rs = crm::try_batch_conditional_expected_average_spend(gg, bad_spend, o);
    if (rs || rs.row() != 40000) return fail("bad spend not named", 6);
    const auto e = crm::try_batch_conditional_expected_purchases(bg, rows, -1.0, o);
    if (e || e.row() != crm::no_row) return fail("negative horizon accepted", 7);
    // the columnar forms: the row forms' values, the first bad customer by index and field
    const crm::rfm_column_view<double> cols{xs, txs, ages};
    const auto ca = crm::try_batch_probability_alive(bg, cols, o);
    const auto ra = crm::try_batch_probability_alive(bg, rows, o);
    if (!ca || !ra || *ca != *ra) return fail("columnar bg alive", 8);
    const auto cm = crm::try_batch_probability_alive(mbg, cols, o);
    const auto rm = crm::try_batch_probability_alive(mbg, rows, o);
    if (!cm || !rm || *cm != *rm) return fail("columnar mbg alive", 9);
    const auto cs = crm::try_batch_conditional_expected_average_spend(gg, crm::spend_column_view<double>{xs, zs}, o);
    if (!cs || !s || *cs != *s) return fail("columnar spend", 10);
    std::vector<double> bad_tx = txs;
    bad_tx[50000] = 1e9;  // recency beyond age
    const auto cb = crm::try_batch_probability_alive(mbg, crm::rfm_column_view<double>{xs, bad_tx, ages}, o);
    if (cb || cb.row() != 50000 || std::string(cb.error().field) != "recency") return fail("columnar bad row not named", 11);
    std::vector<double> bad_z = zs;
    bad_z[40001] = -1.0;
    const auto cz = crm::try_batch_conditional_expected_average_spend(gg, crm::spend_column_view<double>{xs, bad_z}, o);
    if (cz || cz.row() != 40001) return fail("columnar bad spend not named", 12);
    const auto cn = crm::try_batch_probability_alive(bg, crm::rfm_column_view<double>{xs, txs, std::span<const double>(ages).first(9)}, o);
    if (cn || cn.row() != crm::no_row || std::string(cn.error().field) != "age") return fail("columnar size not named", 13);
  }
  std::printf("ok (%s)\n", crm::detail::vector_math_name());
  return 0;
}
