// The RADIUS, accounting and CoA families (metrics/aaa_families.cpp): a pure
// function of the aaa_snapshot, appended to a scrape by metrics::render.
#pragma once

#include <prometheus/metric_family.h>

#include <vector>

#include "model/aaa.hpp"

namespace bras::metrics {

/// Appends the brasd_radius_*, brasd_accounting_* and brasd_coa_* families of `s` to `out`.
void append_aaa_families(std::vector<prometheus::MetricFamily>& out, const model::aaa_snapshot& s);

}  // namespace bras::metrics
