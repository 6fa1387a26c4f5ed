#include "protocol/l2tp/avp.hpp"

#include <algorithm>

namespace bras::l2tp {

namespace {

constexpr std::uint16_t bit_m = 0x8000;
constexpr std::uint16_t bit_h = 0x4000;
constexpr std::uint16_t length_mask = 0x03ff;

struct avp_traits {
  std::string_view name;
  bool mandatory;
  bool hideable;
};

constexpr avp_traits traits_of(std::uint16_t type) noexcept {
  switch (static_cast<avp_type>(type)) {
#define BRAS_L2TP_AVP_TRAITS(enumerator, number, name, mandatory, hideable, ...) \
  case avp_type::enumerator: return {name, mandatory, hideable};
    BRAS_L2TP_IETF_AVPS(BRAS_L2TP_AVP_TRAITS, BRAS_L2TP_AVP_TRAITS)
#undef BRAS_L2TP_AVP_TRAITS
  }
  return {"unknown", false, true};
}

}  // namespace

std::string_view avp_name(std::uint16_t type) noexcept {
  return traits_of(type).name;
}
bool avp_mandatory_by_rfc(std::uint16_t type) noexcept {
  return traits_of(type).mandatory;
}
bool avp_may_be_hidden(std::uint16_t type) noexcept {
  return traits_of(type).hideable;
}

wire::result<raw_avp> read_avp(wire::reader& r) noexcept {
  raw_avp avp;
  avp.offset = r.offset();
  std::uint16_t bits_and_length = 0;
  if (!r.u16(bits_and_length)) return r.fail("truncated AVP header");
  std::size_t length = bits_and_length & length_mask;
  if (length < avp_header_size) return r.fail_at("AVP length below 6", avp.offset);
  if (length - 2 > r.remaining()) return r.fail_at("AVP length past end of message", avp.offset);
  avp.mandatory = (bits_and_length & bit_m) != 0;
  avp.hidden = (bits_and_length & bit_h) != 0;
  if (!r.u16(avp.vendor) || !r.u16(avp.type) || !r.take(length - avp_header_size, avp.value)) {
    return r.fail_at("truncated AVP", avp.offset);
  }
  return avp;
}

wire::result<bytes> unhide(const raw_avp& avp, std::string_view secret, byte_span random_vector) {
  // RFC 2661 §4.3: the hidden value is [Original Length (2)][value][padding],
  // XORed with b1 = MD5(type || secret || RV), bi = MD5(secret || c(i-1)).
  if (avp.value.size() < 2) return wire::error{"hidden AVP shorter than its length subfield", avp.offset};
  std::array<std::byte, 2> type_bytes{static_cast<std::byte>(avp.type >> 8), static_cast<std::byte>(avp.type & 0xff)};
  bytes plain(avp.value.size());
  auto block = wire::md5({type_bytes, wire::as_bytes(secret), random_vector});
  for (std::size_t i = 0; i < avp.value.size() && block; ++i) {
    if (i > 0 && i % block->size() == 0) {
      block = wire::md5({wire::as_bytes(secret), avp.value.subspan(i - block->size(), block->size())});
      if (!block) break;
    }
    plain[i] = avp.value[i] ^ (*block)[i % block->size()];
  }
  if (!block) return wire::error{"MD5 unavailable to decipher a hidden AVP", avp.offset};
  std::size_t original_length = wire::load_u16(plain.data());
  if (original_length > plain.size() - 2) {
    return wire::error{"hidden AVP original length exceeds AVP length", avp.offset};
  }
  return bytes(plain.begin() + 2, plain.begin() + 2 + static_cast<std::ptrdiff_t>(original_length));
}

std::optional<bytes> hide(std::uint16_t type, byte_span value, std::string_view secret, byte_span random_vector,
                          std::size_t pad) {
  bytes plain;
  wire::writer w{plain};
  w.u16(static_cast<std::uint16_t>(value.size()));
  w.put(value);
  w.zeros(pad);
  std::array<std::byte, 2> type_bytes{static_cast<std::byte>(type >> 8), static_cast<std::byte>(type & 0xff)};
  bytes cipher(plain.size());
  auto block = wire::md5({type_bytes, wire::as_bytes(secret), random_vector});
  if (!block) return std::nullopt;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && i % block->size() == 0) {
      block = wire::md5({wire::as_bytes(secret), byte_span{cipher}.subspan(i - block->size(), block->size())});
      if (!block) return std::nullopt;
    }
    cipher[i] = plain[i] ^ (*block)[i % block->size()];
  }
  return cipher;
}

std::optional<wire::md5_digest> challenge_response(std::uint8_t message_type, std::string_view secret,
                                                   byte_span challenge) noexcept {
  std::array<std::byte, 1> id{std::byte{message_type}};
  return wire::md5({id, wire::as_bytes(secret), challenge});
}

void write_avp(wire::writer& w, bool mandatory, bool hidden, std::uint16_t vendor, std::uint16_t type,
               byte_span value) {
  auto length = static_cast<std::uint16_t>(avp_header_size + value.size());
  std::uint16_t bits = length & length_mask;
  if (mandatory) bits |= bit_m;
  if (hidden) bits |= bit_h;
  w.u16(bits);
  w.u16(vendor);
  w.u16(type);
  w.put(value);
}

}  // namespace bras::l2tp
