// Reading a Prometheus text exposition in the metrics tests (unit and integration).
#pragma once

#include <cstddef>
#include <string>

namespace bras::test {

/// The value of the sample `series` (name with labels, exactly as serialized), or -1.
inline double sample(const std::string& text, const std::string& series) {
  std::size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size() + 1));
    ++at;
  }
  return -1;
}

/// True when the exposition declares the family `name` with this TYPE.
inline bool has_family(const std::string& text, const std::string& name, const std::string& type) {
  return text.find("# TYPE " + name + " " + type + "\n") != std::string::npos;
}

}  // namespace bras::test
