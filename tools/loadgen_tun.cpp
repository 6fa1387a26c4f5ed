#include "tools/loadgen_tun.hpp"

#include <arpa/inet.h>
#include <poll.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <system_error>

#include "tools/emulator/tun_link.hpp"

namespace bras::loadgen {

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void on_stop_signal(int) {
  stop_requested = 1;
}

std::string ipv4_text(std::uint32_t address) {
  in_addr a{htonl(address)};
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &a, text, sizeof text);
  return text;
}

}  // namespace

int run_tun(caf::scoped_actor& self, const actors::subscriber_actor& subscriber, const std::string& name,
            tun_session session, unsigned hold_seconds, unsigned timeout_seconds) {
  using kind = actors::subscriber_event::kind;
  bool ended = false;
  // Frames from the tun while the session runs; packets from the session go to the kernel.
  std::unique_ptr<emulator::tun_link> tun;
  std::uint64_t to_kernel = 0, refused = 0, from_kernel = 0;
  auto on_event = [&](actors::subscriber_event& e) {
    if (e.what == kind::ipv6_up) session.interface_id = e.interface_id;
    if (e.what == kind::ipv4_up) session.ipv4 = {e.address, e.peer_address};
    if (e.what == kind::finished || e.what == kind::call_failed) ended = true;
  };
  auto on_ip = [&](actors::subscriber_ip& p) {
    if (!tun) return;
    ++to_kernel;
    if (!tun->write(p.packet)) ++refused;
  };
  // IPCP is up; IPv6CP usually is too, or follows within moments.
  const auto ipv6cp_deadline = clock_type::now() + std::chrono::seconds{std::min(timeout_seconds, 10u)};
  while (session.interface_id == 0 && !ended && clock_type::now() < ipv6cp_deadline) {
    self->receive(
        on_event, on_ip, caf::after(100ms) >> [] {});
  }
  try {
    tun = std::make_unique<emulator::tun_link>(name);
    if (session.interface_id != 0) tun->add_link_local(session.interface_id);
    if (session.ipv4.local != 0) tun->add_ipv4(session.ipv4.local, session.ipv4.peer);
    tun->up();
  } catch (const std::system_error& e) {
    std::fprintf(stderr, "bras-loadgen: %s\n", e.what());
    return 1;
  }
  std::printf("tun %s ready ipv4=%s ipv6-link-local=%s\n", tun->name().c_str(), ipv4_text(session.ipv4.local).c_str(),
              session.interface_id != 0 ? ip::to_string(ip::link_local(session.interface_id)).c_str() : "none");
  std::fflush(stdout);

  struct sigaction stop {};
  stop.sa_handler = on_stop_signal;
  ::sigaction(SIGINT, &stop, nullptr);
  ::sigaction(SIGTERM, &stop, nullptr);
  const auto deadline = clock_type::now() + std::chrono::seconds{hold_seconds};
  while (!ended && stop_requested == 0 && (hold_seconds == 0 || clock_type::now() < deadline)) {
    pollfd readable{tun->fd(), POLLIN, 0};
    ::poll(&readable, 1, 5);  // short: the session's packets wait in the mailbox meanwhile
    tun->receive([&](wire::byte_span packet) {
      if (packet.empty()) return;
      const bool ipv6 = (std::to_integer<unsigned>(packet[0]) >> 4) == 6;
      ++from_kernel;
      caf::anon_send(subscriber, actors::subscriber_ip{0, ipv6, wire::bytes{packet.begin(), packet.end()}});
    });
    for (bool more = true; more;) {
      more = false;
      self->receive(
          [&](actors::subscriber_event& e) {
            on_event(e);
            more = true;
          },
          [&](actors::subscriber_ip& p) {
            on_ip(p);
            more = true;
          },
          caf::after(0ms) >> [] {});
    }
  }
  std::fprintf(stderr, "tun %s: %llu packets to the session, %llu from it (%llu refused by the kernel)%s\n",
               tun->name().c_str(), static_cast<unsigned long long>(from_kernel),
               static_cast<unsigned long long>(to_kernel), static_cast<unsigned long long>(refused),
               ended ? "; the session ended" : "");
  return ended ? 1 : 0;
}

}  // namespace bras::loadgen
