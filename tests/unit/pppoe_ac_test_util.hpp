// Helpers for the access concentrator tests: frames from a client, the
// effects picked apart, a PADI -> PADO -> PADR exchange in one call.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "protocol/pppoe/access_concentrator.hpp"
#include "protocol/pppoe/ethernet.hpp"
#include "protocol/pppoe/pppoe.hpp"

namespace bras::pppoe::test {

inline const eth::mac_address ac_mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
inline const eth::mac_address client_mac{0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
inline const eth::mac_address other_mac{0x00, 0x11, 0x22, 0x33, 0x44, 0x66};
inline const eth::mac_address broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

inline wire::bytes secret(char fill) {
  return wire::bytes(32, std::byte{static_cast<unsigned char>(fill)});
}

/// A header from `src` to `dst` with up to two VLAN tags.
inline eth::header from_client(const eth::mac_address& src, const eth::mac_address& dst,
                               std::optional<std::uint16_t> outer = std::nullopt,
                               std::optional<std::uint16_t> inner = std::nullopt) {
  eth::header h;
  h.src = src;
  h.dst = dst;
  if (outer) h.outer_vlan = eth::vlan_tag{inner ? eth::tpid_8021ad : eth::tpid_8021q, 0, false, *outer};
  if (inner) h.inner_vlan = eth::vlan_tag{eth::tpid_8021q, 0, false, *inner};
  h.ethertype = eth::ethertype_pppoe_discovery;
  return h;
}

inline wire::bytes encoded(const discovery& d) {
  wire::bytes out;
  wire::writer w{out};
  EXPECT_TRUE(encode(d, w).ok());
  return out;
}

/// A sent frame decoded back.
struct parsed_frame {
  eth::header hdr;
  discovery d;
};

inline parsed_frame parse(const wire::bytes& frame) {
  auto f = eth::decode(frame);
  EXPECT_TRUE(f.ok());
  if (!f) return {};
  auto d = decode_discovery(f->payload, eth::header_size(f->hdr));
  EXPECT_TRUE(d.ok()) << wire::to_string(d.err());
  if (!d) return {f->hdr, {}};
  EXPECT_TRUE(check(*d).ok());
  return {f->hdr, *d};
}

template <class T>
std::vector<T> all_of(const ac_effects& effects) {
  std::vector<T> out;
  for (const ac_effect& e : effects) {
    if (const T* p = std::get_if<T>(&e)) out.push_back(*p);
  }
  return out;
}

/// The refusal of a single `dropped` effect, or nullopt.
inline std::optional<refusal> refusal_of(const ac_effects& effects) {
  auto drops = all_of<dropped>(effects);
  if (drops.size() != 1) return std::nullopt;
  return drops[0].why;
}

/// The only frame sent, decoded (fails the test if there is not exactly one).
inline parsed_frame only_frame(const ac_effects& effects) {
  auto sent = all_of<send_discovery>(effects);
  EXPECT_EQ(sent.size(), 1U);
  if (sent.size() != 1) return {};
  return parse(sent[0].frame);
}

template <class T>
std::vector<T> tags_of(const discovery& d) {
  std::vector<T> out;
  for (const tag& t : d.tags) {
    if (const T* p = std::get_if<T>(&t)) out.push_back(*p);
  }
  return out;
}

}  // namespace bras::pppoe::test
