// Appends Prometheus families and their series to a vector, one family at a
// time (family(), then add() / add_histogram() for its series): the one way
// every render function in metrics/ builds what a scrape returns.
#pragma once

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

#include <string>
#include <utility>
#include <vector>

namespace bras::metrics {

class family_builder {
 public:
  using labels = std::vector<prometheus::ClientMetric::Label>;

  explicit family_builder(std::vector<prometheus::MetricFamily>& out) : out_{out} {}
  /// Starts a family; the following add() calls fill it.
  family_builder& family(std::string name, std::string help, prometheus::MetricType type) {
    out_.push_back(prometheus::MetricFamily{std::move(name), std::move(help), type, {}});
    return *this;
  }
  /// A counter or gauge series of the open family.
  family_builder& add(double value, labels l = {}) {
    prometheus::ClientMetric m;
    m.label = std::move(l);
    if (out_.back().type == prometheus::MetricType::Counter) {
      m.counter.value = value;
    } else {
      m.gauge.value = value;
    }
    out_.back().metric.push_back(std::move(m));
    return *this;
  }
  /// A histogram series of the open family.
  family_builder& add_histogram(prometheus::ClientMetric::Histogram h, labels l) {
    prometheus::ClientMetric m;
    m.label = std::move(l);
    m.histogram = std::move(h);
    out_.back().metric.push_back(std::move(m));
    return *this;
  }

 private:
  std::vector<prometheus::MetricFamily>& out_;
};

}  // namespace bras::metrics
