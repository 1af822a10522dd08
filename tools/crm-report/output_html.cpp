// crm-report: the self-contained HTML page (inline SVG and CSS; nothing from the network).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#include "report.hpp"

namespace crm_report {
std::string to_html(const report&) { return "<!doctype html><title>crm-report</title>\n"; }
}  // namespace crm_report
