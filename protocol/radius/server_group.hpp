// One RADIUS server group's choice of server and its failover (pure: the time
// is passed in, nothing is sent). Servers are picked by weight among the
// live ones with room under their max-outstanding; a server that lets
// `dead_after` requests in a row time out is dead for `dead_time`, then is
// probed with Status-Server (RFC 5997) every `probe_interval` until it
// answers. When every server is dead, the one whose dead time ends first is
// used anyway: an outage of brasd's making must not outlast the servers'.
//
// Also the Identifier space of one source port (RFC 2865 §3: 256 in flight
// per port; the client opens more ports beyond that).
#pragma once

#include <array>
#include <bitset>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/radius/crypto.hpp"

namespace bras::radius {

using clock_type = std::chrono::steady_clock;
using time_point = clock_type::time_point;

/// Whether replies from a server must carry Message-Authenticator.
enum class message_authenticator_setting : std::uint8_t {
  automatic,  ///< required once the server has sent one (FreeRADIUS 3.2.5's rule for its clients)
  yes,
  no,
};

struct server_config {
  std::string name;           ///< for logs, metrics and show ("address:port" if not configured)
  std::uint32_t address = 0;  ///< host order
  std::uint16_t port = 0;
  std::string secret;
  unsigned weight = 1;  ///< share of new requests among live servers (0: standby, used only when no other is live)
  unsigned max_outstanding = 256;
  std::chrono::milliseconds timeout{3000};  ///< per attempt
  unsigned retries = 2;                     ///< retransmissions to this server before the next one is tried
  message_authenticator_setting message_authenticator = message_authenticator_setting::automatic;
};

struct group_config {
  std::vector<server_config> servers;
  unsigned dead_after = 3;  ///< requests in a row that timed out
  std::chrono::seconds dead_time{30};
  std::chrono::seconds probe_interval{10};  ///< Status-Server to a dead server after its dead time
};

enum class server_state : std::uint8_t { alive, dead, probing };
[[nodiscard]] std::string_view to_string(server_state s) noexcept;

class server_group {
 public:
  explicit server_group(group_config cfg);

  [[nodiscard]] std::size_t size() const noexcept { return servers_.size(); }
  [[nodiscard]] const server_config& config(std::size_t i) const { return cfg_.servers.at(i); }

  /// The server for a new request at `now`, skipping those in `tried` (bit i: already tried for
  /// this request) and those at max-outstanding; nullopt when none can take it now.
  [[nodiscard]] std::optional<std::size_t> pick(time_point now, std::uint64_t tried = 0);
  /// Bookkeeping of one request on server `i`.
  void sent(std::size_t i) noexcept;
  /// An answer arrived; `had_message_authenticator` arms the automatic setting. Clears the timeout run.
  void answered(std::size_t i, time_point now, bool had_message_authenticator) noexcept;
  /// Every attempt on `i` timed out: one more in the run (dead at dead_after).
  void timed_out(std::size_t i, time_point now) noexcept;
  /// The request left `i` without a verdict on the server (cancelled, or a refused reply).
  void released(std::size_t i) noexcept;

  /// Dead servers whose dead time is over and that are due a Status-Server now (each is then probing
  /// until probe_answered / probe_failed).
  [[nodiscard]] std::vector<std::size_t> probes_due(time_point now);
  void probe_answered(std::size_t i, time_point now, bool had_message_authenticator) noexcept;
  void probe_failed(std::size_t i, time_point now) noexcept;

  /// The reply check for server `i` now.
  [[nodiscard]] message_authenticator_policy policy(std::size_t i) const noexcept;
  [[nodiscard]] bool saw_message_authenticator(std::size_t i) const noexcept;
  [[nodiscard]] server_state state(std::size_t i) const noexcept;
  [[nodiscard]] unsigned outstanding(std::size_t i) const noexcept;
  /// When a dead server next needs attention (probe due); nullopt if none is dead.
  [[nodiscard]] std::optional<time_point> next_event() const noexcept;
  /// When a dead server's dead time ends (for show); nullopt if alive.
  [[nodiscard]] std::optional<time_point> dead_until(std::size_t i) const noexcept;

 private:
  struct server {
    server_state state = server_state::alive;
    unsigned outstanding = 0;
    unsigned timeouts_in_row = 0;
    int current_weight = 0;  ///< smooth weighted round-robin
    time_point dead_until{};
    time_point next_probe{};
    bool saw_message_authenticator = false;
  };
  group_config cfg_;
  std::vector<server> servers_;
};

/// The 256 Identifiers of one source port.
class identifier_space {
 public:
  /// A free identifier (rotating, so a late reply is unlikely to match a reused one); nullopt when full.
  [[nodiscard]] std::optional<std::uint8_t> take() noexcept;
  void give_back(std::uint8_t id) noexcept;
  [[nodiscard]] bool in_use(std::uint8_t id) const noexcept { return used_.test(id); }
  [[nodiscard]] std::size_t used() const noexcept { return used_.count(); }

 private:
  std::bitset<256> used_;
  std::uint8_t next_ = 0;
};

}  // namespace bras::radius
