// libFuzzer target for the PPPoE access concentrator engine
// (protocol/pppoe/access_concentrator.hpp), driven by a script read from the
// input: arbitrary frames, arbitrary PPPoE bytes under chosen headers,
// well-formed PADIs, PADRs echoing the last cookie (or a damaged one), PADTs,
// session_up / session_ended, secret rotation and clock steps. Invariants
// (trap on violation): every frame the engine sends decodes and passes the
// RFC 2516 checks; session IDs are never handed out twice while held; the
// counts match the sessions held and stay within the configured limits;
// the per-MAC rate buckets stay bounded; close_session names a held session.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "protocol/pppoe/access_concentrator.hpp"

namespace {

using namespace bras;
using namespace bras::pppoe;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

/// The script: bytes read one at a time, zeros once exhausted.
struct script {
  std::span<const std::uint8_t> data;
  std::size_t at = 0;
  [[nodiscard]] bool more() const { return at < data.size(); }
  std::uint8_t byte() { return more() ? data[at++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>((byte() << 8) | byte()); }
  wire::bytes take(std::size_t n) {
    wire::bytes b;
    for (std::size_t k = 0; k < n && more(); ++k) b.push_back(std::byte{byte()});
    return b;
  }
};

constexpr unsigned max_sessions = 12;
constexpr unsigned max_starting = 6;
const std::vector<eth::mac_address> port_macs{{0x02, 0, 0, 0, 0, 1}, {0x02, 0, 0, 0, 0, 2}};
const eth::mac_address broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

ac_config make_config() {
  ac_config c;
  c.ac_name = "fuzz";
  c.service_names = {"internet", "voip"};
  c.max_payload = 1500;
  c.padi_rate = 40;
  c.padi_rate_per_mac = 3;
  c.max_sessions = max_sessions;
  c.max_sessions_per_mac = 3;
  c.max_starting = max_starting;
  c.pado_delay = {{4, std::chrono::milliseconds{50}}, {8, std::chrono::milliseconds{200}}};
  for (std::size_t p = 0; p < port_macs.size(); ++p) {
    port_config port;
    port.mac = port_macs[p];
    port.untagged = p == 0;
    port.vlans.push_back(vlan_rule{10, 20, 0, 0, 2, {}});
    port.vlans.push_back(vlan_rule{100, 100, 1, 9, 1, {"qinq"}});
    port.max_sessions_per_vlan = 4;
    c.ports.push_back(port);
  }
  return c;
}

struct harness {
  access_concentrator ac;
  ac_clock::time_point now = ac_clock::time_point{} + std::chrono::hours{1};
  std::set<std::pair<std::uint16_t, std::uint16_t>> held;      ///< (port, session id)
  std::set<std::pair<std::uint16_t, std::uint16_t>> starting;  ///< held and not up
  std::map<std::pair<std::uint16_t, std::uint16_t>, eth::mac_address> owner;
  wire::bytes last_cookie;

  explicit harness(std::span<const std::byte> secret) : ac(make_config(), secret) {}

  void check_frame(const send_discovery& s) {
    require(s.port < port_macs.size());
    auto f = eth::decode(s.frame);
    require(f.ok());
    require(f->hdr.src == port_macs[s.port]);
    require(f->hdr.ethertype == eth::ethertype_pppoe_discovery);
    auto d = decode_discovery(f->payload);
    require(d.ok() && d->code == s.code);
    require(check(*d).ok());
    if (d->code == packet_code::pado) {
      if (const auto* c = find<ac_cookie>(*d)) last_cookie = c->value;
    }
  }

  void apply(const ac_effects& effects) {
    for (const ac_effect& e : effects) {
      if (const auto* s = std::get_if<send_discovery>(&e)) {
        check_frame(*s);
      } else if (const auto* o = std::get_if<open_session>(&e)) {
        std::pair key{o->port, o->session_id};
        require(o->session_id != 0);
        require(held.insert(key).second);  // never handed out twice
        starting.insert(key);
        owner[key] = o->to_client.dst;
        require(o->to_client.ethertype == eth::ethertype_pppoe_session);
        require(o->max_payload >= 1492 && o->max_payload <= 1500);
      } else if (const auto* c = std::get_if<close_session>(&e)) {
        require(held.count({c->port, c->session_id}) == 1);
      } else if (const auto* d = std::get_if<dropped>(&e)) {
        require(!d->detail.empty() || d->why == refusal::padi_rate || d->why == refusal::padi_rate_per_mac);
      }
    }
    require(ac.sessions() == held.size());
    require(ac.starting() == starting.size());
    require(ac.sessions() <= max_sessions);
    require(ac.starting() <= max_starting);
    require(ac.tracked_macs() <= 16384);
  }

  std::optional<std::pair<std::uint16_t, std::uint16_t>> pick(script& s) {
    if (held.empty()) return std::nullopt;
    auto it = held.begin();
    std::advance(it, s.byte() % held.size());
    return *it;
  }

  eth::header header(script& s) {
    eth::header h;
    std::uint8_t shape = s.byte();
    h.src = eth::mac_address{0x00, 0x11, 0x22, 0x33, 0x44, static_cast<std::uint8_t>(shape & 0x07)};
    if ((shape & 0x80) != 0) h.src[0] = 0x01;  // multicast source now and then
    switch ((shape >> 3) & 0x03) {
      case 0: h.dst = broadcast; break;
      case 1: h.dst = port_macs[0]; break;
      case 2: h.dst = port_macs[1]; break;
      default: h.dst = eth::mac_address{0x02, 0, 0, 0, 0, 9}; break;
    }
    std::uint8_t tags = (shape >> 5) & 0x03;
    if (tags >= 1)
      h.outer_vlan = eth::vlan_tag{eth::tpid_8021q, 0, false, static_cast<std::uint16_t>(s.u16() & 0x0fff)};
    if (tags == 2) h.inner_vlan = eth::vlan_tag{eth::tpid_8021q, 0, false, static_cast<std::uint16_t>(s.byte() % 12)};
    h.ethertype = eth::ethertype_pppoe_discovery;
    return h;
  }

  std::string service(script& s) {
    static const std::vector<std::string> names{"", "internet", "voip", "qinq", "nope"};
    return names[s.byte() % names.size()];
  }

  ac_effects send(std::uint16_t port, const eth::header& h, const discovery& d) {
    wire::bytes out;
    wire::writer w{out};
    if (!encode(d, w).ok()) return {};
    return ac.receive(port, h, out, now);
  }

  void step(script& s) {
    std::uint16_t port = s.byte() % 3;  // 2: no such port
    switch (s.byte() % 10) {
      case 0: {  // an arbitrary frame
        wire::bytes frame = s.take(s.byte());
        auto f = eth::decode(frame);
        if (f.ok()) apply(ac.receive(port, f->hdr, f->payload, now));
        break;
      }
      case 1: {  // arbitrary PPPoE bytes under a chosen header
        eth::header h = header(s);
        wire::bytes bytes = s.take(s.byte());
        apply(ac.receive(port, h, bytes, now));
        break;
      }
      case 2:
      case 3: {  // a PADI
        eth::header h = header(s);
        discovery d{packet_code::padi, 0, {service_name{service(s)}}, false};
        if ((s.byte() & 1) != 0) d.tags.emplace_back(host_uniq{s.take(s.byte() % 8)});
        if ((s.byte() & 1) != 0) d.tags.emplace_back(ppp_max_payload{s.u16()});
        apply(send(port, h, d));
        break;
      }
      case 4:
      case 5: {  // a PADR with the last cookie, maybe damaged
        eth::header h = header(s);
        discovery d{packet_code::padr, 0, {service_name{service(s)}}, false};
        wire::bytes cookie = last_cookie;
        std::uint8_t damage = s.byte();
        if (!cookie.empty() && (damage & 0x80) != 0) cookie[damage % cookie.size()] ^= std::byte{1};
        if ((damage & 0x40) == 0) d.tags.emplace_back(ac_cookie{cookie});
        d.tags.emplace_back(host_uniq{s.take(s.byte() % 4)});
        if ((damage & 0x20) != 0) d.tags.emplace_back(ppp_max_payload{s.u16()});
        if ((damage & 0x10) != 0) d.tags.emplace_back(vendor_specific{bbf_vendor_id, s.take(s.byte() % 16)});
        apply(send(port, h, d));
        break;
      }
      case 6: {  // a PADT, for a held session from its owner or from anyone
        eth::header h = header(s);
        auto key = pick(s);
        std::uint16_t id = s.u16();
        if (key && (s.byte() & 1) != 0) {
          port = key->first;
          id = key->second;
          h.src = owner[*key];
        }
        apply(send(port, h, discovery{packet_code::padt, id, {}, false}));
        break;
      }
      case 7: {  // the call comes up
        if (auto key = pick(s)) {
          ac.session_up(key->first, key->second);
          starting.erase(*key);
          apply({});
        }
        break;
      }
      case 8: {  // the session ends
        auto key = pick(s);
        bool padt = (s.byte() & 1) != 0;
        if (key) {
          held.erase(*key);
          starting.erase(*key);
          auto effects = ac.session_ended(key->first, key->second, "fuzz", padt);
          require(effects.size() == (padt ? 1U : 0U));
          apply(effects);
        } else {
          require(ac.session_ended(port, s.u16(), "none", padt).empty());
        }
        break;
      }
      default: {  // time passes, sometimes the secret rotates
        now += std::chrono::milliseconds{s.u16()};
        if ((s.byte() & 3) == 0) {
          wire::bytes secret = s.take(16);
          secret.resize(16, std::byte{0x5a});
          ac.rotate_secret(secret);
        }
        break;
      }
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  script s{{data, size}};
  wire::bytes secret(32, std::byte{0x42});
  harness h{secret};
  for (int steps = 0; s.more() && steps < 256; ++steps) h.step(s);
  return 0;
}
