// libFuzzer target for the DHCPv6 codec, the per-session server and the PD
// client's reader: decode (and re-encode what decodes: it must decode to the
// same message), handle() with a session that has no prefix, a free prefix and
// a prefix bound to the sender or to another client, and read_offer on the raw
// input. A failed invariant traps.
#include <cstddef>
#include <cstdint>
#include <variant>

#include "protocol/dhcpv6/client.hpp"
#include "protocol/dhcpv6/server.hpp"

namespace {

using namespace bras;

void check(bool invariant) {
  if (!invariant) __builtin_trap();
}

dhcpv6::server_config make_config() {
  dhcpv6::server_config config;
  config.server_duid = dhcpv6::duid_uuid({std::byte{0xb5}});
  config.dns_servers = {*ip::parse_ipv6_address("2001:db8::53")};
  return config;
}

/// The answer to a client message must itself decode, as a Reply or Advertise to the same transaction.
void check_outcome(const dhcpv6::outcome& o, const dhcpv6::message& request, const dhcpv6::binding& after) {
  if (const auto* a = std::get_if<dhcpv6::answer>(&o.result)) {
    auto back = dhcpv6::decode(a->reply);
    check(back.ok());
    check(back->type == a->reply_type);
    check(back->transaction_id == request.transaction_id);
  } else {
    check(o.route == dhcpv6::route_change::none);
  }
  if (o.route == dhcpv6::route_change::bind) check(after.bound && after.delegated.has_value());
  if (o.route == dhcpv6::route_change::unbind) check(!after.bound);
  if (after.bound) check(after.client_duid.has_value());
}

void serve(const dhcpv6::server_config& config, const dhcpv6::message& request) {
  const auto link = ip::parse_ipv6_prefix("2001:db8:0:1::/64");
  const auto delegated = ip::parse_ipv6_prefix("2001:db8:100::/56");
  const wire::bytes other_client{std::byte{0}, std::byte{3}, std::byte{0}, std::byte{1}, std::byte{9}};

  dhcpv6::binding none;  // no prefix from AAA
  none.link = link;
  dhcpv6::binding free = none;
  free.delegated = delegated;
  dhcpv6::binding mine = free;  // bound to whoever sent this
  mine.bound = true;
  mine.client_duid = request.client_id ? *request.client_id : other_client;
  dhcpv6::binding theirs = free;
  theirs.bound = true;
  theirs.client_duid = other_client;

  for (auto* b : {&none, &free, &mine, &theirs}) {
    const auto o = dhcpv6::handle(config, *b, request);
    check_outcome(o, request, *b);
    // The same message again (a retransmission) must not bind or unbind twice.
    const auto again = dhcpv6::handle(config, *b, request);
    check_outcome(again, request, *b);
    if (o.route != dhcpv6::route_change::none) check(again.route != o.route);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto config = make_config();
  const wire::byte_span input{reinterpret_cast<const std::byte*>(data), size};

  auto decoded = dhcpv6::decode(input);
  if (decoded) {
    check(decoded->transaction_id <= 0xffffff);
    const auto wire_form = dhcpv6::encode(*decoded);
    auto back = dhcpv6::decode(wire_form);
    check(back.ok());
    check(*back == *decoded);
    serve(config, *decoded);
  } else {
    check(decoded.err().offset <= size);
  }

  const wire::bytes duid{std::byte{0}, std::byte{3}, std::byte{0}, std::byte{1}, std::byte{2}};
  if (auto offer = dhcpv6::read_offer(input, decoded ? decoded->transaction_id : 0, duid)) {
    check(offer->lease.valid_lifetime != 0);
    check(offer->lease.preferred_lifetime <= offer->lease.valid_lifetime);
    check(offer->lease.prefix.length >= 1 && offer->lease.prefix.length <= 128);
  }
  return 0;
}
