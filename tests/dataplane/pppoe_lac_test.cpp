// A PPPoE subscriber through a brasd LAC to a brasd LNS, all real: a veth
// pair in this process's private network namespace (dataplane_test.cpp's
// main() makes it), the subscriber scripted over an AF_PACKET socket on one
// end (PPPoE Discovery from protocol/pppoe, PPP from the client engine), the
// LAC on the other end, the LNS on loopback with its tun device. The
// subscriber gets an address from the LNS pool, pings an address behind tun
// and is pinged back through the data plane, and its PADT frees both sides.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>

#include "actors/session_sink.hpp"
#include "daemon/daemon.hpp"
#include "protocol/ip/packet.hpp"
#include "protocol/ppp/client.hpp"
#include "protocol/ppp/frame.hpp"
#include "protocol/pppoe/ethernet.hpp"
#include "protocol/pppoe/pppoe.hpp"
#include "tests/integration/harness.hpp"
#include "tests/lib/link_ready.hpp"

namespace bras {
namespace {

constexpr std::uint32_t behind_tun = 0xc6336401;  // 198.51.100.1, on the namespace's loopback
constexpr const char* sub_if = "pppoesub0";
constexpr const char* access_if = "pppoeacc0";

config::settings lns_config(bool lcp_renegotiation) {
  return settings_from(
      "runtime: {threads: 2, shards: 2}\nlog: {level: warn}\n"
      "l2tp:\n  host-name: lns-under-test\n" +
      timers() +
      "  local-gateways: [{name: lo, address: 127.0.0.1, port: 0}]\n"
      "  tunnel-groups:\n"
      "    - name: g\n"
      "      hello-interval: 0\n"
      "      clients: [{host-name: lac-under-test, allowed-sources: [127.0.0.0/8], secret: s3cret}]\n"
      "ppp:\n  restart-timer-ms: 300\n  local-address: 100.64.0.1\n  ipv6: false\n  address-pool: p\n"
      "  lcp-renegotiation: " +
      std::string{lcp_renegotiation ? "true" : "false"} +
      "\n"
      "address-pools: [{name: p, prefixes: [100.64.0.0/24]}]\n"
      "aaa: {subscribers: [{user: alice, password: wonderland}]}\n"
      "data-plane: {tun: brastest1}\n");
}

config::settings lac_config(std::uint16_t lns_port) {
  auto s = lac_settings(lns_port, "s3cret", 0, 2, 2, "", "");
  s.ppp.restart_timer = std::chrono::milliseconds{300};
  config::access_interface in;
  in.name = access_if;
  s.pppoe.interfaces.push_back(in);
  s.pppoe.echo_interval = std::chrono::seconds{0};
  return s;
}

void put16(wire::bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::byte>(v >> 8);
  b[at + 1] = static_cast<std::byte>(v & 0xff);
}
std::uint16_t get16(wire::byte_span b, std::size_t at) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(b[at]) << 8) | std::to_integer<unsigned>(b[at + 1]));
}
std::uint32_t get32(wire::byte_span b, std::size_t at) {
  return (std::uint32_t{get16(b, at)} << 16) | get16(b, at + 2);
}

wire::bytes ipv4(std::uint32_t src, std::uint32_t dst, const wire::bytes& payload) {
  wire::bytes p(20 + payload.size());
  p[0] = std::byte{0x45};
  put16(p, 2, static_cast<std::uint16_t>(p.size()));
  p[8] = std::byte{64};
  p[9] = std::byte{1};
  put16(p, 12, static_cast<std::uint16_t>(src >> 16));
  put16(p, 14, static_cast<std::uint16_t>(src & 0xffff));
  put16(p, 16, static_cast<std::uint16_t>(dst >> 16));
  put16(p, 18, static_cast<std::uint16_t>(dst & 0xffff));
  put16(p, 10, ip::internet_checksum(wire::byte_span{p.data(), 20}));
  std::copy(payload.begin(), payload.end(), p.begin() + 20);
  return p;
}

wire::bytes icmp(std::uint8_t type, std::uint16_t id, std::uint16_t seq) {
  wire::bytes m(16);
  m[0] = static_cast<std::byte>(type);
  put16(m, 4, id);
  put16(m, 6, seq);
  put16(m, 2, ip::internet_checksum(m));
  return m;
}

/// The scripted subscriber: an AF_PACKET socket on its veth end.
class subscriber {
 public:
  subscriber() {
    fd_ = ::socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    EXPECT_GE(fd_, 0) << std::strerror(errno);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, sub_if, IFNAMSIZ - 1);
    EXPECT_EQ(::ioctl(fd_, SIOCGIFHWADDR, &ifr), 0);
    for (std::size_t i = 0; i < 6; ++i) mac_[i] = static_cast<std::uint8_t>(ifr.ifr_hwaddr.sa_data[i]);
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = static_cast<int>(::if_nametoindex(sub_if));
    ifindex_ = sll.sll_ifindex;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll), 0);
  }
  ~subscriber() {
    if (fd_ >= 0) ::close(fd_);
  }
  subscriber(const subscriber&) = delete;
  subscriber& operator=(const subscriber&) = delete;

  void send_eth(const eth::header& h, const wire::bytes& payload) {
    wire::bytes frame;
    wire::writer w{frame};
    ASSERT_TRUE(eth::encode(h, payload, w));
    while (frame.size() < 60) frame.push_back(std::byte{0});
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = ifindex_;
    sll.sll_halen = 6;
    ASSERT_EQ(::sendto(fd_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&sll), sizeof sll),
              static_cast<ssize_t>(frame.size()));
  }

  void send_discovery(const pppoe::discovery& d, const eth::mac_address& to) {
    wire::bytes b;
    wire::writer w{b};
    ASSERT_TRUE(pppoe::encode(d, w));
    send_eth({to, mac_, std::nullopt, std::nullopt, eth::ethertype_pppoe_discovery}, b);
  }

  void send_ppp(wire::byte_span ppp) {
    // The client engine frames with 0xFF 0x03; PPPoE carries none (RFC 2516 §7).
    if (ppp.size() >= 2 && ppp[0] == std::byte{0xff} && ppp[1] == std::byte{0x03}) ppp = ppp.subspan(2);
    wire::bytes b;
    wire::writer w{b};
    ASSERT_TRUE(pppoe::encode_session(session_id, ppp, w));
    send_eth({ac_mac, mac_, std::nullopt, std::nullopt, eth::ethertype_pppoe_session}, b);
  }

  /// The next frame of `ethertype` addressed to us, within `wait`.
  std::optional<wire::bytes> receive(std::uint16_t ethertype, std::chrono::milliseconds wait) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      std::array<std::byte, 2048> buf{};
      sockaddr_ll from{};
      socklen_t len = sizeof from;
      const auto n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING) continue;
      auto f = eth::decode(wire::byte_span{buf.data(), static_cast<std::size_t>(n)});
      if (!f || f.value().hdr.src == mac_) continue;
      if (f.value().hdr.ethertype != ethertype) {
        // Kept for receive_discovery: a PADT may arrive while the PPP client is stepped.
        if (f.value().hdr.ethertype == eth::ethertype_pppoe_discovery) {
          skipped_discovery.emplace_back(f.value().payload.begin(), f.value().payload.end());
        }
        continue;
      }
      last_src = f.value().hdr.src;
      return wire::bytes{f.value().payload.begin(), f.value().payload.end()};
    }
    return std::nullopt;
  }

  std::optional<pppoe::discovery> receive_discovery(pppoe::packet_code code) {
    while (!skipped_discovery.empty()) {
      auto d = pppoe::decode_discovery(skipped_discovery.front());
      skipped_discovery.erase(skipped_discovery.begin());
      if (d && d.value().code == code) return d.value();
    }
    for (int i = 0; i < 20; ++i) {
      auto b = receive(eth::ethertype_pppoe_discovery, 2s);
      if (!b) return std::nullopt;
      auto d = pppoe::decode_discovery(*b);
      if (d && d.value().code == code) return d.value();
    }
    return std::nullopt;
  }

  /// Discovery: PADI, PADO, PADR, PADS. True with session_id set.
  bool discover() {
    pppoe::discovery padi{pppoe::packet_code::padi, 0, {pppoe::service_name{}, pppoe::host_uniq{{std::byte{7}}}}};
    send_discovery(padi, eth::mac_address{0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
    auto pado = receive_discovery(pppoe::packet_code::pado);
    if (!pado) return false;
    ac_mac = last_src;
    pppoe::discovery padr{pppoe::packet_code::padr, 0, {pppoe::service_name{}, pppoe::host_uniq{{std::byte{7}}}}};
    if (const auto* cookie = pppoe::find<pppoe::ac_cookie>(*pado)) padr.tags.emplace_back(*cookie);
    send_discovery(padr, ac_mac);
    auto pads = receive_discovery(pppoe::packet_code::pads);
    if (!pads || pads->session_id == 0) return false;
    session_id = pads->session_id;
    return true;
  }

  void send_padt() { send_discovery({pppoe::packet_code::padt, session_id, {}}, ac_mac); }

  std::vector<wire::bytes> skipped_discovery;
  eth::mac_address mac_{};
  eth::mac_address ac_mac{};
  eth::mac_address last_src{};
  std::uint16_t session_id = 0;

 private:
  int fd_ = -1;
  int ifindex_ = 0;
};

/// Runs the PPP client engine over the subscriber's PPPoE session until `done` or `limit`.
struct ppp_client {
  subscriber& sub;
  ppp::client_engine engine;
  std::map<ppp::timer, std::chrono::steady_clock::time_point> timers;
  bool up = false;
  bool finished = false;
  std::vector<wire::bytes> ip_received;

  void perform(const ppp::effects& fx) {
    for (const auto& e : fx) {
      if (const auto* s = std::get_if<ppp::send_frame>(&e)) sub.send_ppp(s->frame);
      if (const auto* a = std::get_if<ppp::arm_timer>(&e))
        timers[a->which] = std::chrono::steady_clock::now() + a->after;
      if (const auto* st = std::get_if<ppp::stop_timer>(&e)) timers.erase(st->which);
      if (const auto* n = std::get_if<ppp::network_up>(&e); n != nullptr && n->which == ppp::network::ipv4) up = true;
      if (std::holds_alternative<ppp::finished>(e)) finished = true;
    }
  }

  void step() {
    if (auto b = sub.receive(eth::ethertype_pppoe_session, 20ms)) {
      auto s = pppoe::decode_session(*b);
      if (s && s.value().session_id == sub.session_id) {
        auto f = ppp::decode_frame(s.value().payload);
        if (f && f.value().protocol == ppp::proto::ipv4) {
          ip_received.emplace_back(f.value().payload.begin(), f.value().payload.end());
        } else {
          perform(engine.receive(s.value().payload));
        }
      }
    }
    const auto now = std::chrono::steady_clock::now();
    for (auto it = timers.begin(); it != timers.end();) {
      if (it->second <= now) {
        const auto which = it->first;
        it = timers.erase(it);
        perform(engine.timeout(which));
      } else {
        ++it;
      }
    }
  }

  template <class Pred>
  bool run_until(Pred pred, std::chrono::milliseconds limit = 15s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!pred() && !finished && std::chrono::steady_clock::now() < until) step();
    return pred();
  }
};

class PppoeLac : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    // The veth pair lives in this process's private namespace; TearDown removes it (and the namespace goes
    // with the process in any case).
    ASSERT_EQ(std::system((std::string{"ip link add "} + sub_if + " type veth peer name " + access_if +
                           " && ip link set " + sub_if + " up && ip link set " + access_if + " up")
                              .c_str()),
              0);
    // A frame sent before the carrier is seen is dropped silently (see link_ready.hpp).
    ASSERT_TRUE(test::wait_link_ready(sub_if)) << sub_if << " never came up";
    ASSERT_TRUE(test::wait_link_ready(access_if)) << access_if << " never came up";
  }
  void TearDown() override {
    [[maybe_unused]] const int ignored = std::system((std::string{"ip link del "} + sub_if + " 2>/dev/null").c_str());
  }
};

TEST_P(PppoeLac, SubscriberGetsAnAddressPingsBothWaysAndPadtFreesBothSides) {
  app::daemon lns{lns_config(GetParam())};
  lns.start();
  app::daemon lac{lac_config(lns.local(0).port)};
  lac.start();

  subscriber sub;
  ASSERT_TRUE(sub.discover());
  // Counted after the send: the subscriber may be faster.
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.pppoe_tx_pads.load() == 1; }));
  EXPECT_EQ(lac.ctx().stats.pppoe_tx_pado.load(), 1u);

  ppp::client_config cc;
  cc.user = "alice";
  cc.password = "wonderland";
  cc.mru = 1492;
  cc.magic = 0x5eed1234;
  cc.request_dns = false;
  cc.negotiation.restart_timer = std::chrono::milliseconds{300};
  ppp_client client{sub, ppp::client_engine{cc}, {}, false, false, {}};
  client.perform(client.engine.start());
  ASSERT_TRUE(client.run_until([&] { return client.up; })) << "IPCP did not come up through the LAC";
  const std::uint32_t address = client.engine.address();
  EXPECT_EQ(address >> 8, 0x644000u) << "an address from the LNS pool";
  EXPECT_EQ(lac.ctx().stats.pppoe_sessions.load(), 1);
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.pppoe_starting.load() == 0; }));
  EXPECT_EQ(lns.ctx().stats.sessions_active.load(), 1);

  // Subscriber -> behind tun: the kernel answers the echo through tun, the LNS and the LAC.
  const wire::bytes request = ipv4(address, behind_tun, icmp(8, 0x77, 1));
  client.step();
  sub.send_ppp(client.engine.frame_ip(ppp::network::ipv4, request));
  ASSERT_TRUE(client.run_until([&] { return !client.ip_received.empty(); }, 5s)) << "no echo reply";
  EXPECT_EQ(get32(client.ip_received.back(), 12), behind_tun);
  EXPECT_EQ(std::to_integer<int>(client.ip_received.back()[20]), 0) << "an echo reply";

  // Behind tun -> subscriber: an echo request from the namespace (a raw ICMP socket) reaches the
  // subscriber through the LNS and the LAC, and its reply comes back the same way.
  client.ip_received.clear();
  const int raw = ::socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  ASSERT_GE(raw, 0) << std::strerror(errno);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(address);
  const wire::bytes echo_out = icmp(8, 0x99, 1);
  ASSERT_EQ(::sendto(raw, echo_out.data(), echo_out.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
            static_cast<ssize_t>(echo_out.size()));
  ASSERT_TRUE(client.run_until([&] { return !client.ip_received.empty(); }, 5s))
      << "the echo request from behind tun did not reach the subscriber";
  const wire::bytes echo_in = client.ip_received.back();
  EXPECT_EQ(get32(echo_in, 16), address);
  wire::bytes reply_icmp{echo_in.begin() + 20, echo_in.end()};
  reply_icmp[0] = std::byte{0};
  put16(reply_icmp, 2, 0);
  put16(reply_icmp, 2, ip::internet_checksum(reply_icmp));
  sub.send_ppp(client.engine.frame_ip(ppp::network::ipv4, ipv4(address, get32(echo_in, 12), reply_icmp)));
  bool replied = false;
  for (int i = 0; i < 50 && !replied; ++i) {
    pollfd p{raw, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    std::array<std::byte, 1500> buf{};
    const auto n = ::recv(raw, buf.data(), buf.size(), 0);
    // The raw socket sees our own request too: wait for the type-0 reply from the subscriber.
    replied = n >= 28 && get32(wire::byte_span{buf.data(), 20}, 12) == address && buf[20] == std::byte{0};
  }
  ::close(raw);
  EXPECT_TRUE(replied) << "the subscriber's echo reply did not get back";

  // PADT from the subscriber: CDN to the LNS, both sides free everything.
  sub.send_padt();
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.pppoe_sessions.load() == 0; }));
  EXPECT_TRUE(eventually([&] { return lns.ctx().stats.sessions_active.load() == 0; }));
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.sessions_active.load() == 0; }));
  EXPECT_EQ(lac.ctx().sessions.pppoe_size(), 0u);
  EXPECT_EQ(lac.ctx().stats.pppoe_rx_padt.load(), 1u);
  EXPECT_EQ(lac.ctx().stats.pppoe_tx_padt.load(), 0u) << "no PADT back for the subscriber's own";
  EXPECT_TRUE(lac.shutdown());
  lns.shutdown();
}

TEST_F(PppoeLac, SigtermSendsPadtToTheSubscriber) {
  app::daemon lns{lns_config(false)};
  lns.start();
  app::daemon lac{lac_config(lns.local(0).port)};
  lac.start();
  subscriber sub;
  ASSERT_TRUE(sub.discover());
  ppp::client_config cc;
  cc.user = "alice";
  cc.password = "wonderland";
  cc.magic = 0x5eed4321;
  cc.negotiation.restart_timer = std::chrono::milliseconds{300};
  ppp_client client{sub, ppp::client_engine{cc}, {}, false, false, {}};
  client.perform(client.engine.start());
  ASSERT_TRUE(client.run_until([&] { return client.up; }));
  EXPECT_TRUE(lac.shutdown());
  EXPECT_EQ(lac.ctx().stats.pppoe_sessions.load(), 0);
  EXPECT_EQ(lac.ctx().stats.pppoe_tx_padt.load(), 1u);
  auto padt = sub.receive_discovery(pppoe::packet_code::padt);
  ASSERT_TRUE(padt.has_value()) << "the subscriber got no PADT";
  EXPECT_EQ(padt->session_id, sub.session_id);
  EXPECT_TRUE(eventually([&] { return lns.ctx().stats.sessions_active.load() == 0; }));
  lns.shutdown();
}

/// Discovery and PPP up to IPCP for one subscriber.
void bring_up(subscriber& sub, ppp_client& client) {
  ASSERT_TRUE(sub.discover());
  client.perform(client.engine.start());
  ASSERT_TRUE(client.run_until([&] { return client.up; })) << "IPCP did not come up through the LAC";
}

ppp::client_config alice() {
  ppp::client_config cc;
  cc.user = "alice";
  cc.password = "wonderland";
  cc.magic = 0x5eed9876;
  cc.negotiation.restart_timer = std::chrono::milliseconds{300};
  return cc;
}

TEST_F(PppoeLac, TheLnsClearingTheCallSendsLcpTerminateAndPadt) {
  app::daemon lns{lns_config(false)};
  lns.start();
  app::daemon lac{lac_config(lns.local(0).port)};
  lac.start();
  subscriber sub;
  ppp_client client{sub, ppp::client_engine{alice()}, {}, false, false, {}};
  bring_up(sub, client);
  // The subscriber's IPCP opens on the LNS's Configure-Ack; the LNS's own opens on the subscriber's
  // Ack of its request, which may still be on its way.
  dataplane::data_session_ptr s;
  ASSERT_TRUE(eventually([&] { return (s = lns.ctx().sessions.find_ipv4(client.engine.address())) != nullptr; }));
  caf::anon_send(actors::session_of(*s), actors::session_input{actors::session_signal::close});
  // The LNS's Terminate-Request reaches the subscriber through the LAC; once the call is cleared
  // (CDN), the LAC ends the PPPoE session with a PADT.
  client.run_until([&] { return lac.ctx().stats.pppoe_sessions.load() == 0; }, 10s);
  EXPECT_EQ(lac.ctx().stats.pppoe_sessions.load(), 0);
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.pppoe_tx_padt.load() == 1; }));
  auto padt = sub.receive_discovery(pppoe::packet_code::padt);
  ASSERT_TRUE(padt.has_value()) << "the subscriber got no PADT";
  EXPECT_EQ(padt->session_id, sub.session_id);
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.sessions_active.load() == 0; }));
  EXPECT_EQ(lac.ctx().sessions.pppoe_size(), 0u);
  EXPECT_TRUE(lac.shutdown());
  lns.shutdown();
}

TEST_F(PppoeLac, ClearServicesL2tpSessionOnTheLacSendsCdnAndPadt) {
  app::daemon lns{lns_config(false)};
  lns.start();
  app::daemon lac{lac_config(lns.local(0).port)};
  lac.start();
  subscriber sub;
  ppp_client client{sub, ppp::client_engine{alice()}, {}, false, false, {}};
  bring_up(sub, client);
  caf::scoped_actor q{lac.system()};
  model::clear_report report;
  q->request(lac.query(), 5s, actors::clear_atom::value, model::clear_request{})
      .receive([&](model::clear_report& r) { report = std::move(r); }, [&](caf::error&) { FAIL(); });
  EXPECT_EQ(report.sessions.size(), 1u);
  EXPECT_TRUE(eventually([&] { return lns.ctx().stats.sessions_active.load() == 0; })) << "no CDN to the LNS";
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.pppoe_sessions.load() == 0; }));
  auto padt = sub.receive_discovery(pppoe::packet_code::padt);
  ASSERT_TRUE(padt.has_value()) << "the subscriber got no PADT";
  EXPECT_EQ(padt->session_id, sub.session_id);
  EXPECT_TRUE(lac.shutdown());
  lns.shutdown();
}

TEST_F(PppoeLac, ASessionNotUpByTheDiscoveryTimeoutEndsWithPadt) {
  app::daemon lns{lns_config(false)};
  lns.start();
  auto cfg = lac_config(lns.local(0).port);
  cfg.pppoe.discovery_timeout = std::chrono::seconds{1};
  app::daemon lac{cfg};
  lac.start();
  subscriber sub;
  ASSERT_TRUE(sub.discover());
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.pppoe_starting.load() == 1; }));
  // No PPP from the subscriber: the LAC's Configure-Requests go unanswered until the deadline.
  auto padt = sub.receive_discovery(pppoe::packet_code::padt);
  ASSERT_TRUE(padt.has_value()) << "no PADT at the discovery timeout";
  EXPECT_EQ(padt->session_id, sub.session_id);
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.pppoe_sessions.load() == 0; }));
  EXPECT_EQ(lac.ctx().stats.pppoe_starting.load(), 0);
  EXPECT_EQ(lac.ctx().sessions.pppoe_size(), 0u);
  EXPECT_EQ(lns.ctx().stats.sessions_created.load(), 0u) << "no call was placed";
  EXPECT_TRUE(lac.shutdown());
  lns.shutdown();
}

TEST_F(PppoeLac, ASilentSubscriberIsDeclaredDeadAndItsCallCleared) {
  app::daemon lns{lns_config(false)};
  lns.start();
  auto cfg = lac_config(lns.local(0).port);
  cfg.pppoe.echo_interval = std::chrono::seconds{1};
  cfg.pppoe.echo_failures = 2;
  app::daemon lac{cfg};
  lac.start();
  subscriber sub;
  ppp_client client{sub, ppp::client_engine{alice()}, {}, false, false, {}};
  bring_up(sub, client);
  // The subscriber goes quiet: no step, no answer to the LAC's Echo-Requests.
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.pppoe_dead_subscribers.load() == 1; }, 10s));
  EXPECT_TRUE(eventually([&] { return lac.ctx().stats.pppoe_sessions.load() == 0; }));
  EXPECT_TRUE(eventually([&] { return lns.ctx().stats.sessions_active.load() == 0; })) << "no CDN to the LNS";
  std::size_t echoes = 0;
  while (auto b = sub.receive(eth::ethertype_pppoe_session, 100ms)) {
    auto sv = pppoe::decode_session(*b);
    if (sv && sv.value().payload.size() >= 3 && get16(sv.value().payload, 0) == ppp::proto::lcp &&
        sv.value().payload[2] == std::byte{9}) {
      ++echoes;
    }
  }
  EXPECT_EQ(echoes, 2u) << "one Echo-Request per idle interval before the end";
  auto padt = sub.receive_discovery(pppoe::packet_code::padt);
  EXPECT_TRUE(padt.has_value()) << "the dead subscriber was sent a PADT";
  EXPECT_TRUE(lac.shutdown());
  lns.shutdown();
}

INSTANTIATE_TEST_SUITE_P(Lcp, PppoeLac, ::testing::Values(false, true), [](const ::testing::TestParamInfo<bool>& p) {
  return p.param ? "LnsRenegotiates" : "ProxyLcp";
});

}  // namespace
}  // namespace bras
