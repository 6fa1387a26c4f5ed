// RFC 3145 PPP disconnect cause (with its direction and brasd's message) -> RFC 2866
// Acct-Terminate-Cause. One table, first matching row wins; the message rows come first because
// the cause alone leaves them open (a session timeout is an ordinary LCP Terminate, cause 3).
#include <array>

#include "protocol/ppp/engine.hpp"
#include "protocol/radius/attributes.hpp"

namespace bras::radius {

namespace {

constexpr std::uint16_t any_cause = 0xffff;
constexpr std::uint8_t any_direction = 0xff;

struct cause_row {
  std::string_view message;  ///< empty: any
  std::uint16_t ppp_cause;   ///< any_cause: any
  std::uint8_t direction;    ///< any_direction: any
  std::uint32_t terminate_cause;
};

constexpr auto at_local = static_cast<std::uint8_t>(ppp::direction::at_local);

constexpr std::array<cause_row, 25> cause_table{{
    // brasd's own reasons (actors/ppp_host.cpp, session.cpp, pppoe_session.cpp).
    {"session-timeout", any_cause, any_direction, terminate::session_timeout},
    {"idle-timeout", any_cause, any_direction, terminate::idle_timeout},
    {"admin-close", any_cause, any_direction, terminate::admin_reset},
    {"shutdown", any_cause, any_direction, terminate::admin_reboot},  // a clean stop of brasd
    {"nas-reboot", any_cause, any_direction, terminate::nas_reboot},  // Stops for sessions a crash ended
    // The LAC ended the call: its AVP 46 says why when it knows.
    {"cdn-received", ppp::cause::normal, any_direction, terminate::user_request},
    {"cdn-received", ppp::cause::echo_timeout, any_direction, terminate::lost_carrier},
    {"cdn-received", any_cause, any_direction, terminate::lost_service},
    {"tunnel-down", any_cause, any_direction, terminate::lost_service},
    {"session-destroyed", any_cause, any_direction, terminate::nas_request},
    // The LAC's PPPoE leg.
    {"padt-received", any_cause, any_direction, terminate::user_request},
    {"subscriber-dead", any_cause, any_direction, terminate::lost_carrier},
    {"call-cleared", any_cause, any_direction, terminate::lost_service},
    {"call-failed", any_cause, any_direction, terminate::service_unavailable},
    // The cause alone.
    {"", ppp::cause::admin, any_direction, terminate::admin_reset},
    {"", ppp::cause::normal, at_local, terminate::nas_request},
    {"", ppp::cause::normal, any_direction, terminate::user_request},  // the subscriber's LCP Terminate
    {"", ppp::cause::echo_timeout, any_direction, terminate::lost_carrier},
    {"", ppp::cause::lcp_no_packets, any_direction, terminate::lost_carrier},
    {"", ppp::cause::auth_failed, any_direction, terminate::user_error},
    {"", ppp::cause::auth_protocol_unacceptable, any_direction, terminate::user_error},
    {"", ppp::cause::auth_fsm_timeout, any_direction, terminate::user_error},
    {"", ppp::cause::no_address_permitted, any_direction, terminate::user_error},
    {"", ppp::cause::no_acceptable_address, any_direction, terminate::service_unavailable},  // pool exhausted
    {"", any_cause, any_direction, terminate::nas_error},
}};

constexpr bool matches(const cause_row& row, std::uint16_t ppp_cause, std::uint8_t direction,
                       std::string_view message) noexcept {
  return (row.message.empty() || row.message == message) &&
         (row.ppp_cause == any_cause || row.ppp_cause == ppp_cause) &&
         (row.direction == any_direction || row.direction == direction);
}

}  // namespace

std::uint32_t terminate_cause_of(std::uint16_t ppp_cause, std::uint8_t direction, std::string_view message) noexcept {
  for (const auto& row : cause_table) {
    if (matches(row, ppp_cause, direction, message)) return row.terminate_cause;
  }
  return terminate::nas_error;
}

}  // namespace bras::radius
