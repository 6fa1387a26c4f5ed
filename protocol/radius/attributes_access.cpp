// The Access-Request brasd sends for a subscriber (RFC 2865 §5, RFC 4679) and the Status-Server
// probe (RFC 5997).
#include "protocol/radius/attributes_internal.hpp"

namespace bras::radius {

packet make_access_request(const nas_identity& nas, const credentials& c, const subscriber_line& line,
                           std::string_view acct_session_id) {
  packet p;
  p.code = code::access_request;
  p.add_string(attr::user_name, c.user);
  if (c.chap) {
    wire::bytes chap_password;
    chap_password.reserve(1 + c.response.size());
    chap_password.push_back(std::byte{c.chap_id});
    chap_password.insert(chap_password.end(), c.response.begin(), c.response.end());
    p.add(attr::chap_password, chap_password);
    // Always sent, so the server never has to rely on the Request Authenticator being the challenge
    // (RFC 2865 §5.3 allows that only for 16-byte challenges).
    p.add(attr::chap_challenge, c.challenge);
  } else {
    // Clear here; seal_request hides it with the server's secret.
    p.add_string(attr::user_password, c.password);
  }
  detail::add_nas(p, nas);
  p.add_u32(attr::service_type, service_framed);
  p.add_u32(attr::framed_protocol, framed_protocol_ppp);
  detail::add_line(p, line);
  if (!acct_session_id.empty()) p.add_string(attr::acct_session_id, acct_session_id);
  return p;
}

packet make_status_server(const nas_identity& nas) {
  packet p;
  p.code = code::status_server;
  detail::add_nas(p, nas);
  return p;
}

}  // namespace bras::radius
