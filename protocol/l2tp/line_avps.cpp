#include "protocol/l2tp/line_avps.hpp"

#include <algorithm>
#include <limits>

namespace bras::l2tp {

access_line_info line_avps(const pppoe::access_line& line) {
  access_line_info a;
  auto bits = [](const std::optional<std::uint32_t>& kbits) -> std::optional<std::uint64_t> {
    if (!kbits) return std::nullopt;
    return std::uint64_t{*kbits} * 1000;
  };
  a.agent_circuit_id = line.circuit_id;
  a.agent_remote_id = line.remote_id;
  a.actual_rate_up = bits(line.actual_rate_up);
  a.actual_rate_down = bits(line.actual_rate_down);
  a.minimum_rate_up = bits(line.min_rate_up);
  a.minimum_rate_down = bits(line.min_rate_down);
  a.attainable_rate_up = bits(line.attainable_rate_up);
  a.attainable_rate_down = bits(line.attainable_rate_down);
  a.maximum_rate_up = bits(line.max_rate_up);
  a.maximum_rate_down = bits(line.max_rate_down);
  a.minimum_rate_up_low_power = bits(line.min_rate_up_low_power);
  a.minimum_rate_down_low_power = bits(line.min_rate_down_low_power);
  a.maximum_interleaving_delay_up = line.max_interleaving_delay_up;
  a.actual_interleaving_delay_up = line.actual_interleaving_delay_up;
  a.maximum_interleaving_delay_down = line.max_interleaving_delay_down;
  a.actual_interleaving_delay_down = line.actual_interleaving_delay_down;
  if (line.encapsulation) {
    a.access_loop_encapsulation = {line.encapsulation->data_link, line.encapsulation->encaps1,
                                   line.encapsulation->encaps2};
  }
  return a;
}

std::uint32_t connect_speed_of(std::uint32_t kbits) noexcept {
  constexpr std::uint64_t most = std::numeric_limits<std::uint32_t>::max();
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(std::uint64_t{kbits} * 1000, most));
}

std::optional<pppoe::access_line> tr101_line_of(const access_line_info& a) {
  if (a.empty()) return std::nullopt;
  auto kbits = [](const std::optional<std::uint64_t>& bits) -> std::optional<std::uint32_t> {
    if (!bits) return std::nullopt;
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(*bits / 1000, 0xffffffffu));
  };
  pppoe::access_line l;
  l.circuit_id = a.agent_circuit_id;
  l.remote_id = a.agent_remote_id;
  l.actual_rate_up = kbits(a.actual_rate_up);
  l.actual_rate_down = kbits(a.actual_rate_down);
  l.min_rate_up = kbits(a.minimum_rate_up);
  l.min_rate_down = kbits(a.minimum_rate_down);
  l.attainable_rate_up = kbits(a.attainable_rate_up);
  l.attainable_rate_down = kbits(a.attainable_rate_down);
  l.max_rate_up = kbits(a.maximum_rate_up);
  l.max_rate_down = kbits(a.maximum_rate_down);
  l.min_rate_up_low_power = kbits(a.minimum_rate_up_low_power);
  l.min_rate_down_low_power = kbits(a.minimum_rate_down_low_power);
  l.max_interleaving_delay_up = a.maximum_interleaving_delay_up;
  l.actual_interleaving_delay_up = a.actual_interleaving_delay_up;
  l.max_interleaving_delay_down = a.maximum_interleaving_delay_down;
  l.actual_interleaving_delay_down = a.actual_interleaving_delay_down;
  if (a.access_loop_encapsulation) {
    const auto& e = *a.access_loop_encapsulation;
    l.encapsulation = pppoe::access_loop_encapsulation{e[0], e[1], e[2]};
  }
  return l;
}

}  // namespace bras::l2tp
