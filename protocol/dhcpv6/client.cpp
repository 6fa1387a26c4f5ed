// The subscriber's side of DHCPv6 prefix delegation (RFC 8415 §18.2): the
// messages a requesting router sends and the reading of the server's answers.
#include "protocol/dhcpv6/client.hpp"

namespace bras::dhcpv6 {

namespace {

/// The frame of every client message: its DUID, an Elapsed Time of 0 (§21.9: the caller
/// retransmits by building again) and, except in a Release, the Option Request for DNS servers.
message client_frame(msg_type type, std::uint32_t transaction_id, const wire::bytes& duid) {
  message m;
  m.type = type;
  m.transaction_id = transaction_id & 0xffffff;
  m.client_id = duid;
  m.elapsed_time = 0;
  if (type != msg_type::release) m.oro = {option::dns_servers};
  return m;
}

/// An IA_PD naming the lease's prefix. T1/T2 and lifetimes are 0: §21.21/§21.22 leave them to the server.
ia_pd naming(const client_lease& lease) {
  ia_pd ia;
  ia.iaid = lease.iaid;
  ia.prefixes.push_back(ia_prefix{0, 0, lease.prefix, std::nullopt});
  return ia;
}

message to_server(msg_type type, std::uint32_t transaction_id, const wire::bytes& duid, const client_lease& lease) {
  message m = client_frame(type, transaction_id, duid);
  m.server_id = lease.server_duid;
  m.ia_pds.push_back(naming(lease));
  return m;
}

/// A prefix the client may use (§18.2.10.1): a nonzero valid lifetime not below the preferred one.
bool usable(const ia_prefix& p) noexcept {
  return p.valid_lifetime != 0 && p.preferred_lifetime <= p.valid_lifetime && !p.status;
}

}  // namespace

wire::bytes make_solicit(std::uint32_t transaction_id, const wire::bytes& duid, std::uint32_t iaid, bool rapid_commit) {
  message m = client_frame(msg_type::solicit, transaction_id, duid);
  ia_pd ia;
  ia.iaid = iaid;
  m.ia_pds.push_back(ia);
  m.rapid_commit = rapid_commit;
  return encode(m);
}

wire::bytes make_request(std::uint32_t transaction_id, const wire::bytes& duid, const client_lease& advertised) {
  return encode(to_server(msg_type::request, transaction_id, duid, advertised));
}

wire::bytes make_renew(std::uint32_t transaction_id, const wire::bytes& duid, const client_lease& lease) {
  return encode(to_server(msg_type::renew, transaction_id, duid, lease));
}

wire::bytes make_release(std::uint32_t transaction_id, const wire::bytes& duid, const client_lease& lease) {
  return encode(to_server(msg_type::release, transaction_id, duid, lease));
}

wire::result<client_offer> read_offer(wire::byte_span payload, std::uint32_t transaction_id, const wire::bytes& duid) {
  auto decoded = decode(payload);
  if (!decoded) return decoded.err();
  const message& m = *decoded;
  if (m.type != msg_type::advertise && m.type != msg_type::reply) return wire::error{"not an advertise or reply", 0};
  if (m.transaction_id != (transaction_id & 0xffffff)) return wire::error{"wrong transaction", 1};
  if (!m.client_id || *m.client_id != duid) return wire::error{"not for this client", 0};
  if (!m.server_id) return wire::error{"no server identifier", 0};
  if (m.status && m.status->code != status::success) return wire::error{"failure status", 0};
  std::string_view refusal = "no delegated prefix";  // what an IA_PD's failure status says, if any
  for (const auto& ia : m.ia_pds) {
    if (ia.status && ia.status->code != status::success) {
      refusal = ia.status->code == status::no_prefix_avail ? "no prefix available"
                : ia.status->code == status::no_binding    ? "no binding"
                                                           : "failure status";
      continue;
    }
    for (const auto& p : ia.prefixes) {
      if (!usable(p)) continue;
      client_offer offer;
      offer.lease.server_duid = *m.server_id;
      offer.lease.iaid = ia.iaid;
      offer.lease.prefix = p.prefix;
      offer.lease.t1 = ia.t1;
      offer.lease.t2 = ia.t2;
      offer.lease.preferred_lifetime = p.preferred_lifetime;
      offer.lease.valid_lifetime = p.valid_lifetime;
      offer.lease.dns_servers = m.dns_servers;
      offer.bound = m.type == msg_type::reply;
      return offer;
    }
  }
  return wire::error{refusal, 0};
}

}  // namespace bras::dhcpv6
