// A small RADIUS server for tests, on a real UDP socket on 127.0.0.1: it
// answers Access-Request (Access-Accept), Accounting-Request
// (Accounting-Response) and Status-Server (Access-Accept), sealed with the
// codec's seal_reply, and can be told to drop, hold, forge a reply with a
// wrong authenticator first, or leave Message-Authenticator out. It records
// every request it received.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "model/endpoint.hpp"
#include "protocol/radius/crypto.hpp"
#include "protocol/radius/packet.hpp"

namespace bras::test {

class radius_responder {
 public:
  struct behaviour {
    bool answer = true;                  ///< false: every request is dropped
    bool answer_status_server = true;    ///< false: Status-Server probes are dropped
    int drop = 0;                        ///< the next `drop` requests are dropped, then answered
    int drop_every = 0;                  ///< > 0: every drop_every-th new request is dropped (once)
    bool hold = false;                   ///< requests are kept until release_held()
    bool forge_first = false;            ///< each reply is preceded by one sealed with a wrong secret
    bool genuine = true;                 ///< false: only the forgery (if any) is sent
    bool wrong_source_first = false;     ///< each reply is first sent, valid, from another port
    bool message_authenticator = false;  ///< replies carry Message-Authenticator
    std::string reply_message;           ///< Reply-Message in Access-Accepts (empty: none)
  };
  struct request {
    radius::packet packet;
    wire::bytes raw;
    model::udp_peer from;
  };

  explicit radius_responder(std::string secret = "testing123") : secret_(std::move(secret)) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof at;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&at), len) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&at), &len) != 0) {
      ADD_FAILURE() << "responder socket";
    }
    port_ = ntohs(at.sin_port);
    other_fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    thread_ = std::thread([this] { loop(); });
  }
  ~radius_responder() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
    ::close(other_fd_);
  }
  radius_responder(const radius_responder&) = delete;
  radius_responder& operator=(const radius_responder&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// Replaces the behaviour by the default one changed by `change` (e.g. [](auto& b) { b.drop = 2; }).
  template <class Change>
  void set(Change change) {
    behaviour b;
    change(b);
    std::lock_guard lock{mutex_};
    behaviour_ = std::move(b);
  }
  void set() {
    set([](behaviour&) {});
  }
  /// Answers every held request (by the behaviour now in force).
  void release_held() {
    std::lock_guard lock{mutex_};
    for (const auto& r : held_) reply(r);
    held_.clear();
  }
  /// Answers `r` (a request received earlier) now, by the behaviour in force.
  void answer(const request& r) {
    std::lock_guard lock{mutex_};
    reply(r);
  }
  [[nodiscard]] std::vector<request> received() const {
    std::lock_guard lock{mutex_};
    return received_;
  }
  [[nodiscard]] std::size_t count(radius::code c) const {
    std::lock_guard lock{mutex_};
    std::size_t n = 0;
    for (const auto& r : received_) n += r.packet.code == c ? 1 : 0;
    return n;
  }
  [[nodiscard]] std::size_t held() const {
    std::lock_guard lock{mutex_};
    return held_.size();
  }

 private:
  void loop() {
    std::vector<std::byte> buffer(4096);
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const auto n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0) continue;
      request r;
      r.raw.assign(buffer.begin(), buffer.begin() + n);
      r.from = {ntohl(from.sin_addr.s_addr), ntohs(from.sin_port)};
      auto decoded = radius::decode(r.raw);
      if (!decoded) continue;
      r.packet = *decoded;
      std::lock_guard lock{mutex_};
      received_.push_back(r);
      if (!behaviour_.answer) continue;
      if (r.packet.code == radius::code::status_server && !behaviour_.answer_status_server) continue;
      if (behaviour_.drop > 0) {
        --behaviour_.drop;
        continue;
      }
      if (behaviour_.drop_every > 0 && !dropped_once_.contains(r.raw) && ++seen_ % behaviour_.drop_every == 0) {
        dropped_once_.insert(r.raw);  // its retransmission is answered
        continue;
      }
      if (behaviour_.hold) {
        held_.push_back(std::move(r));
        continue;
      }
      reply(r);
    }
  }

  void reply(const request& r) {
    radius::packet answer;
    answer.id = r.packet.id;
    answer.code = r.packet.code == radius::code::accounting_request ? radius::code::accounting_response
                                                                    : radius::code::access_accept;
    if (answer.code == radius::code::access_accept && !behaviour_.reply_message.empty()) {
      answer.add_string(radius::attr::reply_message, behaviour_.reply_message);
    }
    if (behaviour_.forge_first)
      send(r.from, radius::seal_reply(answer, r.packet.auth, "not-the-secret", behaviour_.message_authenticator));
    if (behaviour_.wrong_source_first) {
      send(r.from, radius::seal_reply(answer, r.packet.auth, secret_, behaviour_.message_authenticator), other_fd_);
    }
    if (behaviour_.genuine) {
      send(r.from, radius::seal_reply(answer, r.packet.auth, secret_, behaviour_.message_authenticator));
    }
  }

  void send(model::udp_peer to, const std::optional<wire::bytes>& datagram, int from_fd = -1) {
    if (!datagram) {
      ADD_FAILURE() << "seal_reply failed";
      return;
    }
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_addr.s_addr = htonl(to.address);
    peer.sin_port = htons(to.port);
    ::sendto(from_fd < 0 ? fd_ : from_fd, datagram->data(), datagram->size(), 0,
             reinterpret_cast<const sockaddr*>(&peer), sizeof peer);
  }

  std::string secret_;
  int fd_ = -1;
  int other_fd_ = -1;  ///< an unbound socket: its replies come from another port
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  behaviour behaviour_;
  std::vector<request> received_;
  std::vector<request> held_;
  std::uint64_t seen_ = 0;  ///< requests counted for drop_every
  std::set<wire::bytes> dropped_once_;
  std::thread thread_;
};

}  // namespace bras::test
