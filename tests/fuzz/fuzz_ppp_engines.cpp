// libFuzzer target for the PPP engines (protocol/ppp/server.hpp and
// client.hpp): the input is a script of events for both engines: frames
// (arbitrary bytes, or the other engine's last frame), timer expiries, AAA
// verdicts, closes. Invariants checked after every call: `finished` comes at
// most once and last, with every armed timer stopped before it; nothing comes
// out afterwards; only armed timers are stopped.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "protocol/ppp/client.hpp"
#include "protocol/ppp/server.hpp"

namespace {

using namespace bras;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

/// Tracks one engine's timers and end across calls.
struct watcher {
  std::array<bool, ppp::timer_count> armed{};
  bool finished = false;
  std::vector<wire::bytes> frames;

  void check(const ppp::effects& fx) {
    for (const auto& e : fx) {
      require(!finished);  // nothing after finished
      if (const auto* a = std::get_if<ppp::arm_timer>(&e)) {
        armed[static_cast<std::size_t>(a->which)] = true;
      } else if (const auto* s = std::get_if<ppp::stop_timer>(&e)) {
        require(armed[static_cast<std::size_t>(s->which)]);
        armed[static_cast<std::size_t>(s->which)] = false;
      } else if (const auto* f = std::get_if<ppp::send_frame>(&e)) {
        require(!f->frame.empty());
        frames.push_back(f->frame);
        if (frames.size() > 8) frames.erase(frames.begin());
      } else if (std::holds_alternative<ppp::finished>(e)) {
        for (bool t : armed) require(!t);
        finished = true;
      }
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ppp::server_config sc;
  sc.lcp.auth = {ppp::lcp::auth_method::chap_md5, ppp::lcp::auth_method::pap};
  sc.lcp.magic = 0x11223344;
  sc.local_address = 0x64400001;
  sc.local_interface_id = 0x0102030405060708ull;
  sc.lcp_renegotiation = size == 0 || (data[0] & 1) != 0;
  ppp::server_engine server{sc};
  ppp::client_config cc;
  cc.user = "u";
  cc.password = "p";
  cc.magic = 0x55667788;
  cc.ipv6 = true;
  cc.interface_id = 0x1111;
  ppp::client_engine client{cc};
  watcher ws;
  watcher wc;
  ppp::proxy_info proxy;
  std::size_t i = 1;
  auto take = [&](std::size_t n) {
    n = std::min(n, size - std::min(i, size));
    std::span<const std::uint8_t> s{data + std::min(i, size), n};
    i += n;
    return wire::bytes{reinterpret_cast<const std::byte*>(s.data()),
                       reinterpret_cast<const std::byte*>(s.data()) + s.size()};
  };
  if (!sc.lcp_renegotiation && i < size) {
    proxy.last_sent_confreq = take(data[i++ % size] % 24);
    proxy.last_received_confreq = take(i < size ? data[i++] % 24 : 0);
    proxy.authen_type = i < size ? data[i++] % 6 : 0;
    proxy.authen_name = "u";
    proxy.authen_response = take(i < size ? data[i++] % 20 : 0);
    proxy.authen_challenge = take(16);
    proxy.authen_id = 1;
  }
  ws.check(server.start(proxy));
  wc.check(client.start());
  while (i < size) {
    const std::uint8_t op = data[i++];
    const bool to_server = (op & 0x80) != 0;
    auto& w = to_server ? ws : wc;
    auto& other = to_server ? wc : ws;
    ppp::effects fx;
    switch (op & 0x07) {
      case 0:  // the other engine's latest frame
      case 1:
        if (!other.frames.empty()) {
          auto f = other.frames.front();
          other.frames.erase(other.frames.begin());
          fx = to_server ? server.receive(f) : client.receive(f);
        }
        break;
      case 2: {  // arbitrary bytes
        auto f = take(i < size ? data[i++] % 64 : 0);
        fx = to_server ? server.receive(f) : client.receive(f);
        break;
      }
      case 3: {  // a timer expiry (only armed timers expire)
        const auto t = static_cast<ppp::timer>((op >> 3) % ppp::timer_count);
        if (w.armed[static_cast<std::size_t>(t)]) {
          w.armed[static_cast<std::size_t>(t)] = false;
          fx = to_server ? server.timeout(t) : client.timeout(t);
        }
        break;
      }
      case 4:  // an AAA verdict
        if (to_server) fx = server.auth_result((op & 0x08) != 0, (op & 0x10) != 0 ? 0x64400002 : 0, "m");
        break;
      case 5: fx = to_server ? server.close(ppp::cause::admin, "admin") : client.close(); break;
      case 6:
        if ((op & 0x38) == 0x38) fx = to_server ? server.lower_down() : client.lower_down();
        break;
      default:
        if (to_server) {
          auto f = take(i < size ? data[i++] % 64 : 0);
          (void)server.frame_ip(ppp::network::ipv4, f);
        }
        break;
    }
    w.check(fx);
  }
  return 0;
}
