#include "tests/integration/udp_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <vector>

#include "tests/tshark/pcap.hpp"

namespace bras::test {

namespace {

int bind_loopback(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

}  // namespace

udp_proxy::udp_proxy(std::uint16_t backend_port, impairment imp, std::string pcap_path)
    : backend_port_(backend_port), imp_(imp), pcap_path_(std::move(pcap_path)) {
  front_ = bind_loopback(front_port_);
  std::uint16_t ignored = 0;
  back_ = bind_loopback(ignored);
  thread_ = std::thread{[this] { loop(); }};
}

udp_proxy::~udp_proxy() {
  stop_ = true;
  thread_.join();
  ::close(front_);
  ::close(back_);
}

std::vector<std::vector<std::byte>> udp_proxy::from_backend() const {
  std::lock_guard lock{recorded_mutex_};
  return recorded_;
}

void udp_proxy::loop() {
  using clock = std::chrono::steady_clock;
  struct pending {
    bool to_backend;
    std::vector<std::byte> data;
  };
  std::multimap<clock::time_point, pending> queue;
  std::mt19937 rng{imp_.seed};
  std::uniform_real_distribution<double> coin{0, 1};
  std::uniform_int_distribution<int> delay{imp_.min_delay_ms, std::max(imp_.min_delay_ms, imp_.max_delay_ms)};
  sockaddr_in client{};
  bool have_client = false;
  std::unique_ptr<pcap_writer> pcap;
  if (!pcap_path_.empty()) pcap = std::make_unique<pcap_writer>(pcap_path_);
  std::vector<std::byte> buf(65536);

  auto send = [&](const pending& p) {
    sockaddr_in to{};
    int fd = back_;
    if (p.to_backend) {
      to.sin_family = AF_INET;
      to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      to.sin_port = htons(backend_port_);
    } else {
      if (!have_client) return;
      to = client;
      fd = front_;
    }
    ::sendto(fd, p.data.data(), p.data.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    ++forwarded_;
    if (pcap) pcap->udp(p.data, p.to_backend ? 1701 : 1701, 1701);
  };

  while (!stop_) {
    auto now = clock::now();
    while (!queue.empty() && queue.begin()->first <= now) {
      send(queue.begin()->second);
      queue.erase(queue.begin());
    }
    pollfd fds[2] = {{front_, POLLIN, 0}, {back_, POLLIN, 0}};
    ::poll(fds, 2, 1);
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      sockaddr_in from{};
      socklen_t len = sizeof from;
      auto n = ::recvfrom(fds[i].fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0) continue;
      if (i == 0) {
        client = from;
        have_client = true;
      }
      pending p{i == 0, std::vector<std::byte>(buf.begin(), buf.begin() + n)};
      if (i == 1 && imp_.record) {
        std::lock_guard lock{recorded_mutex_};
        recorded_.push_back(p.data);
      }
      bool control = n > 0 && (std::to_integer<unsigned>(p.data[0]) & 0x80) != 0;
      bool impair = control || !imp_.control_only;
      if (blackhole_.load() || (impair && coin(rng) < imp_.loss)) {
        ++dropped_;
        continue;
      }
      auto at = clock::now() + std::chrono::milliseconds{impair ? delay(rng) : 0};
      if (impair && coin(rng) < imp_.duplicate) {
        ++duplicated_;
        queue.emplace(at + std::chrono::milliseconds{delay(rng)}, p);
      }
      queue.emplace(at, std::move(p));
    }
  }
}

}  // namespace bras::test
