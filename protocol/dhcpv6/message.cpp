// DHCPv6 message codec (RFC 8415 §8, §21; DNS servers RFC 3646).
//
// Errors carry the offset of the option they are about (its code field), or of
// the header field for header errors. An IA whose T1 is greater than its
// nonzero T2 is invalid (RFC 8415 §21.4, §21.21): in a server message
// (Advertise, Reply, Reconfigure) decode drops that IA and keeps the rest of
// the message, as the RFC tells the client to; in a client message the server
// ignores T1/T2 anyway (§21.21), so the IA is kept as sent.
#include "protocol/dhcpv6/message.hpp"

#include <functional>

namespace bras::dhcpv6 {

const char* to_string(msg_type t) noexcept {
  switch (t) {
    case msg_type::solicit: return "solicit";
    case msg_type::advertise: return "advertise";
    case msg_type::request: return "request";
    case msg_type::confirm: return "confirm";
    case msg_type::renew: return "renew";
    case msg_type::rebind: return "rebind";
    case msg_type::reply: return "reply";
    case msg_type::release: return "release";
    case msg_type::decline: return "decline";
    case msg_type::reconfigure: return "reconfigure";
    case msg_type::information_request: return "information-request";
    case msg_type::relay_forw: return "relay-forw";
    case msg_type::relay_repl: return "relay-repl";
  }
  return "unknown";
}

namespace {

constexpr std::size_t option_header_size = 4;
constexpr std::size_t ia_header_size = 12;         // IAID, T1, T2
constexpr std::size_t ia_address_fixed_size = 24;  // address, preferred, valid
constexpr std::size_t ia_prefix_fixed_size = 25;   // preferred, valid, length, prefix
constexpr std::size_t duid_min_size = 3;           // a 2-byte type and at least one byte of it
constexpr std::size_t duid_max_size = 2 + 128;     // RFC 8415 §11.1: 128 bytes past the type

/// Walks the options in `r` (a message body or an option's payload). `on_option(code, body, at)`
/// handles one option given its bounded reader and the offset of its code field; it returns an
/// error to stop the walk.
using option_handler = std::function<std::optional<wire::error>(std::uint16_t, wire::reader&, std::size_t)>;

std::optional<wire::error> walk_options(wire::reader& r, const option_handler& on_option) {
  while (!r.empty()) {
    const std::size_t at = r.offset();
    if (r.remaining() < option_header_size) return wire::error{"truncated option header", at};
    std::uint16_t code = 0;
    std::uint16_t length = 0;
    if (!r.u16(code) || !r.u16(length)) return wire::error{"truncated option header", at};
    auto body = r.sub(length);
    if (!body) return wire::error{"option longer than its container", at};
    if (auto e = on_option(code, *body, at)) return e;
  }
  return std::nullopt;
}

ip::ipv6_address read_address(wire::reader& r) {
  ip::ipv6_address a{};
  wire::byte_span raw;
  if (r.take(a.size(), raw)) std::copy(raw.begin(), raw.end(), a.begin());
  return a;
}

std::optional<wire::error> read_status(wire::reader& body, std::size_t at, std::optional<status_code>& out) {
  if (out) return wire::error{"repeated status code", at};
  std::uint16_t code = 0;
  if (!body.u16(code)) return wire::error{"bad status code length", at};
  wire::byte_span text;
  (void)body.take_rest(text);
  out = status_code{static_cast<status>(code), wire::to_string(text)};
  return std::nullopt;
}

std::optional<wire::error> read_ia_prefix(wire::reader& body, std::size_t at, ia_prefix& out) {
  if (body.remaining() < ia_prefix_fixed_size) return wire::error{"bad ia prefix length", at};
  std::uint8_t length = 0;
  (void)body.u32(out.preferred_lifetime);
  (void)body.u32(out.valid_lifetime);
  (void)body.u8(length);
  const auto address = read_address(body);
  if (length < 1 || length > 128) return wire::error{"bad prefix length", at + option_header_size + 8};
  out.prefix = ip::ipv6_prefix::make(address, length);
  return walk_options(body, [&](std::uint16_t code, wire::reader& inner, std::size_t inner_at) {
    return code == option::status_code ? read_status(inner, inner_at, out.status) : std::nullopt;
  });
}

std::optional<wire::error> read_ia_address(wire::reader& body, std::size_t at, ia_address& out) {
  if (body.remaining() < ia_address_fixed_size) return wire::error{"bad ia address length", at};
  out.address = read_address(body);
  (void)body.u32(out.preferred_lifetime);
  (void)body.u32(out.valid_lifetime);
  // The address's own Status Code matters only to a client of IA_NA, which brasd is not:
  // its options are only checked for framing.
  return walk_options(body, [](std::uint16_t, wire::reader&, std::size_t) { return std::nullopt; });
}

/// The IAID/T1/T2 header shared by IA_NA and IA_PD.
template <class IA>
std::optional<wire::error> read_ia_header(wire::reader& body, std::size_t at, IA& ia) {
  if (body.remaining() < ia_header_size) return wire::error{"bad ia length", at};
  (void)body.u32(ia.iaid);
  (void)body.u32(ia.t1);
  (void)body.u32(ia.t2);
  return std::nullopt;
}

bool t1_after_t2(std::uint32_t t1, std::uint32_t t2) noexcept {
  return t1 != 0 && t2 != 0 && t1 > t2;
}

bool is_server_message(msg_type t) noexcept {
  return t == msg_type::advertise || t == msg_type::reply || t == msg_type::reconfigure;
}

std::optional<wire::error> read_ia_pd(wire::reader& body, std::size_t at, ia_pd& out) {
  if (auto e = read_ia_header(body, at, out)) return e;
  return walk_options(body, [&](std::uint16_t code, wire::reader& inner, std::size_t inner_at) {
    if (code == option::status_code) return read_status(inner, inner_at, out.status);
    if (code != option::ia_prefix) return std::optional<wire::error>{};
    ia_prefix p;
    auto e = read_ia_prefix(inner, inner_at, p);
    if (!e) out.prefixes.push_back(std::move(p));
    return e;
  });
}

std::optional<wire::error> read_ia_na(wire::reader& body, std::size_t at, ia_na& out) {
  if (auto e = read_ia_header(body, at, out)) return e;
  return walk_options(body, [&](std::uint16_t code, wire::reader& inner, std::size_t inner_at) {
    if (code == option::status_code) return read_status(inner, inner_at, out.status);
    if (code != option::ia_addr) return std::optional<wire::error>{};
    ia_address a;
    auto e = read_ia_address(inner, inner_at, a);
    if (!e) out.addresses.push_back(a);
    return e;
  });
}

std::optional<wire::error> read_ia_ta(wire::reader& body, std::size_t at) {
  if (body.remaining() < 4) return wire::error{"bad ia length", at};
  (void)body.skip(4);  // IAID: brasd grants no temporary addresses, only notes the IA_TA
  return walk_options(body, [](std::uint16_t code, wire::reader& inner, std::size_t inner_at) {
    ia_address ignored;
    return code == option::ia_addr ? read_ia_address(inner, inner_at, ignored) : std::nullopt;
  });
}

std::optional<wire::error> read_duid(wire::reader& body, std::size_t at, std::optional<wire::bytes>& out,
                                     std::string_view repeated) {
  if (out) return wire::error{repeated, at};
  if (body.remaining() < duid_min_size || body.remaining() > duid_max_size) return wire::error{"bad duid length", at};
  wire::byte_span raw;
  (void)body.take_rest(raw);
  out = wire::to_bytes(raw);
  return std::nullopt;
}

/// Reads a fixed-size singleton: its body must be exactly `size` bytes and the option must not repeat.
template <class T>
std::optional<wire::error> read_fixed(wire::reader& body, std::size_t at, std::size_t size, std::optional<T>& out,
                                      std::string_view bad_length, std::string_view repeated) {
  if (out) return wire::error{repeated, at};
  if (body.remaining() != size) return wire::error{bad_length, at};
  if constexpr (sizeof(T) == 1) {
    std::uint8_t v = 0;
    (void)body.u8(v);
    out = v;
  } else if constexpr (sizeof(T) == 2) {
    std::uint16_t v = 0;
    (void)body.u16(v);
    out = v;
  } else {
    std::uint32_t v = 0;
    (void)body.u32(v);
    out = v;
  }
  return std::nullopt;
}

std::optional<wire::error> read_flag(wire::reader& body, std::size_t at, bool& out, std::string_view bad_length,
                                     std::string_view repeated) {
  if (out) return wire::error{repeated, at};
  if (!body.empty()) return wire::error{bad_length, at};
  out = true;
  return std::nullopt;
}

/// Message-level options; the repeated-ness of list options is tracked by `seen_*`.
struct list_seen {
  bool oro = false;
  bool dns = false;
};

std::optional<wire::error> read_option(message& m, list_seen& seen, std::uint16_t code, wire::reader& body,
                                       std::size_t at) {
  switch (code) {
    case option::client_id: return read_duid(body, at, m.client_id, "repeated client identifier");
    case option::server_id: return read_duid(body, at, m.server_id, "repeated server identifier");
    case option::ia_na: {
      ia_na ia;
      if (auto e = read_ia_na(body, at, ia)) return e;
      if (!(is_server_message(m.type) && t1_after_t2(ia.t1, ia.t2))) m.ia_nas.push_back(std::move(ia));
      return std::nullopt;
    }
    case option::ia_ta: m.has_ia_ta = true; return read_ia_ta(body, at);
    case option::ia_pd: {
      ia_pd ia;
      if (auto e = read_ia_pd(body, at, ia)) return e;
      if (!(is_server_message(m.type) && t1_after_t2(ia.t1, ia.t2))) m.ia_pds.push_back(std::move(ia));
      return std::nullopt;
    }
    case option::oro: {
      if (seen.oro) return wire::error{"repeated option request", at};
      if (body.remaining() % 2 != 0) return wire::error{"bad option request length", at};
      seen.oro = true;
      std::uint16_t requested = 0;
      while (body.u16(requested)) m.oro.push_back(requested);
      return std::nullopt;
    }
    case option::preference:
      return read_fixed(body, at, 1, m.preference, "bad preference length", "repeated preference");
    case option::elapsed_time:
      return read_fixed(body, at, 2, m.elapsed_time, "bad elapsed time length", "repeated elapsed time");
    case option::status_code: return read_status(body, at, m.status);
    case option::rapid_commit:
      return read_flag(body, at, m.rapid_commit, "bad rapid commit length", "repeated rapid commit");
    case option::reconf_accept:
      return read_flag(body, at, m.reconf_accept, "bad reconfigure accept length", "repeated reconfigure accept");
    case option::dns_servers: {
      if (seen.dns) return wire::error{"repeated dns servers", at};
      if (body.remaining() % 16 != 0) return wire::error{"bad dns servers length", at};
      seen.dns = true;
      while (!body.empty()) m.dns_servers.push_back(read_address(body));
      return std::nullopt;
    }
    case option::information_refresh_time:
      return read_fixed(body, at, 4, m.information_refresh_time, "bad information refresh time length",
                        "repeated information refresh time");
    default: return std::nullopt;  // unknown or unused (Domain List, SOL_MAX_RT, ...): skipped
  }
}

// --- encoding ---------------------------------------------------------------

/// Writes an option header and returns the position of its length field, patched by end_option().
std::size_t begin_option(wire::writer& w, std::uint16_t code) {
  w.u16(code);
  return w.reserve_u16();
}
void end_option(wire::writer& w, std::size_t length_at) {
  w.patch_u16(length_at, static_cast<std::uint16_t>(w.size() - length_at - 2));
}

void put_address(wire::writer& w, const ip::ipv6_address& a) {
  w.put(wire::byte_span{a.data(), a.size()});
}

void put_status(wire::writer& w, const status_code& s) {
  const auto at = begin_option(w, option::status_code);
  w.u16(static_cast<std::uint16_t>(s.code));
  w.put(s.message);
  end_option(w, at);
}

void put_duid(wire::writer& w, std::uint16_t code, const wire::bytes& duid) {
  const auto at = begin_option(w, code);
  w.put(duid);
  end_option(w, at);
}

void put_ia_na(wire::writer& w, const ia_na& ia) {
  const auto at = begin_option(w, option::ia_na);
  w.u32(ia.iaid);
  w.u32(ia.t1);
  w.u32(ia.t2);
  for (const auto& a : ia.addresses) {
    const auto a_at = begin_option(w, option::ia_addr);
    put_address(w, a.address);
    w.u32(a.preferred_lifetime);
    w.u32(a.valid_lifetime);
    end_option(w, a_at);
  }
  if (ia.status) put_status(w, *ia.status);
  end_option(w, at);
}

void put_ia_pd(wire::writer& w, const ia_pd& ia) {
  const auto at = begin_option(w, option::ia_pd);
  w.u32(ia.iaid);
  w.u32(ia.t1);
  w.u32(ia.t2);
  for (const auto& p : ia.prefixes) {
    const auto p_at = begin_option(w, option::ia_prefix);
    w.u32(p.preferred_lifetime);
    w.u32(p.valid_lifetime);
    w.u8(p.prefix.length);
    put_address(w, p.prefix.address);
    if (p.status) put_status(w, *p.status);
    end_option(w, p_at);
  }
  if (ia.status) put_status(w, *ia.status);
  end_option(w, at);
}

}  // namespace

wire::result<message> decode(wire::byte_span payload) {
  wire::reader r{payload};
  std::uint8_t type = 0;
  std::uint8_t tid_high = 0;
  std::uint16_t tid_low = 0;
  if (!r.u8(type) || !r.u8(tid_high) || !r.u16(tid_low)) return wire::error{"truncated header", 0};
  if (type == static_cast<std::uint8_t>(msg_type::relay_forw) ||
      type == static_cast<std::uint8_t>(msg_type::relay_repl))
    return wire::error{"relay message", 0};
  if (type < static_cast<std::uint8_t>(msg_type::solicit) || type > static_cast<std::uint8_t>(msg_type::relay_repl))
    return wire::error{"unknown message type", 0};
  message m;
  m.type = static_cast<msg_type>(type);
  m.transaction_id = (std::uint32_t{tid_high} << 16) | tid_low;
  list_seen seen;
  if (auto e = walk_options(r, [&](std::uint16_t code, wire::reader& body, std::size_t at) {
        return read_option(m, seen, code, body, at);
      }))
    return *e;
  return m;
}

wire::bytes encode(const message& m) {
  wire::bytes out;
  wire::writer w{out};
  w.u8(static_cast<std::uint8_t>(m.type));
  w.u8(static_cast<std::uint8_t>((m.transaction_id >> 16) & 0xff));
  w.u16(static_cast<std::uint16_t>(m.transaction_id & 0xffff));
  if (m.client_id) put_duid(w, option::client_id, *m.client_id);
  if (m.server_id) put_duid(w, option::server_id, *m.server_id);
  for (const auto& ia : m.ia_nas) put_ia_na(w, ia);
  if (m.has_ia_ta) {
    // The decoded form keeps no IA_TA content; an empty one with IAID 0 stands for it.
    const auto at = begin_option(w, option::ia_ta);
    w.u32(0);
    end_option(w, at);
  }
  for (const auto& ia : m.ia_pds) put_ia_pd(w, ia);
  if (m.status) put_status(w, *m.status);
  if (!m.oro.empty()) {
    const auto at = begin_option(w, option::oro);
    for (auto code : m.oro) w.u16(code);
    end_option(w, at);
  }
  if (m.elapsed_time) {
    const auto at = begin_option(w, option::elapsed_time);
    w.u16(*m.elapsed_time);
    end_option(w, at);
  }
  if (m.preference) {
    const auto at = begin_option(w, option::preference);
    w.u8(*m.preference);
    end_option(w, at);
  }
  if (m.rapid_commit) end_option(w, begin_option(w, option::rapid_commit));
  if (m.reconf_accept) end_option(w, begin_option(w, option::reconf_accept));
  if (!m.dns_servers.empty()) {
    const auto at = begin_option(w, option::dns_servers);
    for (const auto& a : m.dns_servers) put_address(w, a);
    end_option(w, at);
  }
  if (m.information_refresh_time) {
    const auto at = begin_option(w, option::information_refresh_time);
    w.u32(*m.information_refresh_time);
    end_option(w, at);
  }
  return out;
}

wire::bytes duid_uuid(const std::array<std::byte, 16>& uuid) {
  wire::bytes d{std::byte{0}, std::byte{4}};
  d.insert(d.end(), uuid.begin(), uuid.end());
  return d;
}

wire::bytes duid_ll(const std::array<std::byte, 6>& mac) {
  wire::bytes d{std::byte{0}, std::byte{3}, std::byte{0}, std::byte{1}};
  d.insert(d.end(), mac.begin(), mac.end());
  return d;
}

}  // namespace bras::dhcpv6
