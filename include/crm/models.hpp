// crm-metrics: umbrella header of the customer-base ("buy till you die") models.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Transaction models (BG/NBD, modified BG/NBD, Pareto/NBD, and their nested NBD limit), spend (Gamma-Gamma), discrete
// opportunities (BG/BB), customer lifetime value, contractual retention (sBG, BdW, and their nested
// discrete Weibull and power-law models), their data, fits
// and generators; whole-base batch predictions (crm/models/batch.hpp); prediction intervals
// (crm/models/intervals.hpp) and calibration-vs-holdout diagnostics (crm/models/diagnostics.hpp).
#pragma once

#include <crm/models/data.hpp>
#include <crm/models/fit.hpp>
#include <crm/models/generate.hpp>
#include <crm/models/homogeneous.hpp>

#include <crm/models/bg_nbd.hpp>
#include <crm/models/modified_bg_nbd.hpp>
#include <crm/models/nbd.hpp>
#include <crm/models/pareto_nbd.hpp>

#include <crm/models/bg_bb.hpp>
#include <crm/models/clv.hpp>
#include <crm/models/contractual.hpp>
#include <crm/models/contractual_nested.hpp>
#include <crm/models/gamma_gamma.hpp>

#include <crm/models/diagnostics.hpp>
#include <crm/models/intervals.hpp>

#include <crm/models/batch.hpp>
