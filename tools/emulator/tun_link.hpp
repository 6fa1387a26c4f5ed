// bras-loadgen --tun: one emulated subscriber's link as a local tun
// interface (IFF_TUN | IFF_NO_PI), so real client software (rdisc6, a
// DHCPv6 client, ping) runs over the subscriber's PPP session. The kernel
// generates no link-local address of its own (addr_gen_mode none) and does
// no DAD on ours: the interface carries exactly what IPv6CP negotiated,
// fe80::IID/64, and the IPCP address with the LNS as its peer. Tools only
// (never linked into brasd); its owner polls fd() in its own loop.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "protocol/common/bytes.hpp"

namespace bras::emulator {

class tun_link {
 public:
  /// Creates `name` (down, no addresses); throws std::system_error naming the step that failed.
  explicit tun_link(const std::string& name);
  ~tun_link();
  tun_link(const tun_link&) = delete;
  tun_link& operator=(const tun_link&) = delete;

  /// fe80::`interface_id`/64 on the interface.
  void add_link_local(std::uint64_t interface_id);
  /// `local`/32 with `peer` at the other end of the link (both host order).
  void add_ipv4(std::uint32_t local, std::uint32_t peer);
  /// Brings the interface up.
  void up();

  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  /// Reads every packet waiting (non-blocking) and hands each to `on_packet`; returns how many.
  std::size_t receive(const std::function<void(wire::byte_span)>& on_packet);
  /// Writes one IP packet to the kernel; false when it did not take it.
  bool write(wire::byte_span packet) noexcept;

 private:
  std::string name_;
  int fd_ = -1;
  std::vector<std::byte> buffer_;
};

}  // namespace bras::emulator
