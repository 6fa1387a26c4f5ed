#include "actors/aaa_handoff.hpp"

#include <utility>

#include "actors/address_pool.hpp"
#include "actors/timer_service.hpp"

namespace bras::actors {

std::string log_quoted(std::string_view text) {
  std::string out{"\""};
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += ch;
    }
  }
  out += '"';
  return out;
}

void aaa_handoff::describe(line_source source) {
  line_ = std::move(source);
}

radius::subscriber_line aaa_handoff::line() const {
  return line_ ? line_() : radius::subscriber_line{};
}

void aaa_handoff::ask(const ppp::authenticate& a, const std::string& acct_session_id, verdict_handler on_verdict) {
  release();
  user_ = a.user;
  aaa_request r;
  r.chap = a.kind == ppp::authenticate::method::chap_md5;
  r.user = a.user;
  r.password = a.password;
  r.chap_id = a.chap_id;
  r.challenge = a.challenge;
  r.response = a.response;
  r.line = line();
  r.acct_session_id = acct_session_id;
  const auto generation = ++generation_;
  waiting_ = std::move(on_verdict);
  env().timers->schedule(env().ppp->aaa_timeout, self_->ctrl(), session_timer{session_timer::kind::aaa, 0, generation});
  self_->request(*env().aaa, caf::infinite, std::move(r))
      .then(
          [this, generation](aaa_verdict& v) {
            if (ended_) {
              // Too late: give the grant back now (the AAA actor would take it once we are gone).
              if (v.accepted) {
                self_->send(*env().aaa, aaa_release{user_, v.address, v.framed_ipv6_prefix, v.delegated_ipv6_prefix});
              }
              return;
            }
            // After the deadline, or for a question since replaced: dropped (the AAA actor takes any
            // grant in it back when we end), as a CAF request timeout dropped it.
            if (generation != generation_ || !waiting_) return;
            auto handler = std::exchange(waiting_, {});
            if (v.accepted) {
              granted_ = true;
              address_ = v.address;
              framed_ipv6_prefix_ = v.framed_ipv6_prefix;
              delegated_ipv6_prefix_ = v.delegated_ipv6_prefix;
            } else if (env().peer_log->allow()) {
              // At info, and the user name is the subscriber's: quoted like session-ended's.
              env().ppp_log()->info("ppp-auth-rejected tunnel={} session={} user={} reason={}", args_.local_tunnel_id,
                                    args_.local_id, log_quoted(user_), v.reason);
            }
            handler(v);
          },
          [this, generation](caf::error&) { deadline(generation); });  // the AAA actor failed: as at the deadline
}

void aaa_handoff::deadline(std::uint32_t generation) {
  if (generation == generation_) unavailable();
}

void aaa_handoff::unavailable() {
  if (!waiting_) return;  // answered already, or the session ended (end() forgets the handler)
  // A verdict arriving after this is dropped; the AAA actor takes its grant back when we end.
  env().stats->aaa_timeouts.fetch_add(1);
  auto handler = std::exchange(waiting_, {});
  aaa_verdict refused;
  refused.message = "authentication unavailable";
  handler(refused);
}

void aaa_handoff::end() {
  ended_ = true;
  waiting_ = nullptr;
  release();
}

void aaa_handoff::release() {
  if (!granted_) return;
  granted_ = false;
  self_->send(*env().aaa, aaa_release{user_, address_, framed_ipv6_prefix_, delegated_ipv6_prefix_});
}

void aaa_handoff::log_session_ended(const session_end_record& r) const {
  const auto addr = address_ != 0 ? address_ : r.bound_address;
  env().ppp_log()->info(
      "session-ended tunnel={} session={} user={} address={} cause={} direction={} protocol={:#06x} "
      "reason={} duration={} rx-bytes={} tx-bytes={} rx-packets={} tx-packets={}",
      args_.local_tunnel_id, args_.local_id, log_quoted(user_), dotted(addr), r.end.cause,
      static_cast<unsigned>(r.end.dir), r.end.protocol, log_quoted(r.end.message), r.up.count(), r.rx_bytes, r.tx_bytes,
      r.rx_packets, r.tx_packets);
}

}  // namespace bras::actors
