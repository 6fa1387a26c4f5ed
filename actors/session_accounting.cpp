#include "actors/session_accounting.hpp"

#include <utility>

#include "actors/acct_session_id.hpp"
#include "actors/session_env.hpp"
#include "actors/timer_service.hpp"

namespace bras::actors {

namespace {

std::uint32_t unix_seconds(std::chrono::system_clock::time_point at) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  return s > 0 ? static_cast<std::uint32_t>(s) : 0;
}

}  // namespace

void session_accounting::open() {
  // LNS only: the LAC's PPPoE subscribers are accounted by their PPPoE session.
  if (args_.role == session_role::lns && env().acct_ids != nullptr && session_id_.empty()) {
    session_id_ = env().acct_ids->next_key(args_.local_tunnel_id, args_.local_id);
  }
}

void session_accounting::authorized(const aaa_verdict& v) {
  // An LCP renegotiation re-authenticates: the last verdict is the one the records carry.
  classes_ = v.classes;
  radius_interim_ = v.interim_interval;
  radius_ = v.radius;
}

std::optional<std::chrono::seconds> session_accounting::interim_interval() const noexcept {
  // A CoA's value wins over the Accept's, the Accept's over the configuration.
  auto v = coa_interim_ ? coa_interim_ : radius_interim_;
  if (!v && env().radius != nullptr) v = env().radius->interim_interval;
  if (!v || v->count() <= 0) return std::nullopt;
  return v;
}

radius::accounting_record session_accounting::record(radius::acct_status status,
                                                     std::chrono::system_clock::time_point at) const {
  radius::accounting_record r;
  r.status = status;
  r.session_id = session_id_.text();
  r.user = aaa_.user();
  r.framed_ip = framed_ip_;
  r.framed_ipv6_prefix = framed_ipv6_prefix();
  r.delegated_ipv6_prefix = delegated_ipv6_prefix();
  r.line = aaa_.line();
  r.classes = classes_;
  r.event_timestamp = unix_seconds(at);
  r.authentic_local = !radius_;
  return r;
}

void session_accounting::report(radius::accounting_record r) const {
  if (env().accounting == nullptr || !*env().accounting) return;
  self_->send(*env().accounting, acct_report{std::move(r)});
}

void session_accounting::start(std::uint32_t framed_ip, std::chrono::system_clock::time_point at) {
  if (started_ || stopped_ || env().accounting == nullptr || !*env().accounting) return;
  started_ = true;
  framed_ip_ = framed_ip;
  report(record(radius::acct_status::start, at));
  arm_interim();
}

void session_accounting::arm_interim() {
  // A new generation: the expiry of a timer armed before (another interval) is ignored.
  const auto generation = ++interim_generation_;
  const auto every = interim_interval();
  if (!started_ || stopped_ || !every) return;
  env().timers->schedule(*every, self_->ctrl(), session_timer{session_timer::kind::interim, 0, generation});
}

bool session_accounting::interim_due(std::uint32_t generation) const noexcept {
  return started_ && !stopped_ && generation == interim_generation_;
}

namespace {

void add_usage(radius::accounting_record& r, const acct_usage& u) {
  r.session_time = static_cast<std::uint32_t>(u.session_time.count() > 0 ? u.session_time.count() : 0);
  r.input_octets = u.input_octets;
  r.output_octets = u.output_octets;
  r.input_packets = u.input_packets;
  r.output_packets = u.output_packets;
  r.ipv6_input_octets = u.ipv6_input_octets;
  r.ipv6_output_octets = u.ipv6_output_octets;
  r.ipv6_input_packets = u.ipv6_input_packets;
  r.ipv6_output_packets = u.ipv6_output_packets;
}

}  // namespace

void session_accounting::interim(const acct_usage& usage) {
  auto r = record(radius::acct_status::interim_update, std::chrono::system_clock::now());
  add_usage(r, usage);
  report(std::move(r));
  arm_interim();
}

void session_accounting::stop(const acct_usage& usage, const ppp::finished& end,
                              std::chrono::system_clock::time_point at) {
  if (!started_ || stopped_) return;
  stopped_ = true;
  ++interim_generation_;
  auto r = record(radius::acct_status::stop, at);
  add_usage(r, usage);
  r.terminate_cause = radius::terminate_cause_of(end.cause, static_cast<std::uint8_t>(end.dir), end.message);
  report(std::move(r));
}

void session_accounting::change_interim(std::chrono::seconds interval) {
  coa_interim_ = interval;
  arm_interim();
}

}  // namespace bras::actors
