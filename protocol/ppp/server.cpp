#include "protocol/ppp/server.hpp"

#include "protocol/ppp/server_impl.hpp"

namespace bras::ppp {

std::string_view to_string(link_phase p) noexcept {
  switch (p) {
    case link_phase::dead: return "dead";
    case link_phase::establish: return "establish";
    case link_phase::authenticate: return "authenticate";
    case link_phase::network: return "network";
    case link_phase::terminate: return "terminate";
  }
  return "unknown";
}

void apply(server_config& c, const session_secrets& s) noexcept {
  c.lcp.magic = s.magic;
  c.challenge = s.challenge;
  c.seed = s.seed;
  c.local_interface_id = s.local_interface_id;
}

server_engine::server_engine(server_config config) {
  auto owned = std::make_unique<const server_config>(std::move(config));
  const auto& c = *owned;
  impl_ = std::make_unique<impl>(c, session_secrets{c.lcp.magic, c.challenge, c.seed, c.local_interface_id},
                                 c.interface_id_in_use, std::move(owned));
}
server_engine::server_engine(const server_config& shared, const session_secrets& secrets,
                             std::function<bool(std::uint64_t)> interface_id_in_use)
    : impl_{std::make_unique<impl>(shared, secrets, std::move(interface_id_in_use), nullptr)} {}
server_engine::~server_engine() = default;
server_engine::server_engine(server_engine&&) noexcept = default;
server_engine& server_engine::operator=(server_engine&&) noexcept = default;

effects server_engine::start(const proxy_info& proxy) {
  impl_->start(proxy);
  return impl_->take();
}
effects server_engine::receive(wire::byte_span frame) {
  impl_->receive(frame);
  return impl_->take();
}
effects server_engine::timeout(timer which) {
  impl_->on_timeout(which);
  return impl_->take();
}
effects server_engine::auth_result(bool accepted, std::uint32_t peer_address, std::string_view message) {
  impl_->auth_done(accepted, peer_address, message);
  return impl_->take();
}
void server_engine::set_dns(std::uint32_t primary, std::uint32_t secondary) noexcept {
  impl_->ipcp_policy.primary_dns = primary;
  impl_->ipcp_policy.secondary_dns = secondary;
}
effects server_engine::close(std::uint16_t code, std::string_view message) {
  if (!impl_->done) {
    impl_->why.reset();
    impl_->terminate(code, direction::at_local, message);
  }
  return impl_->take();
}
effects server_engine::lower_down(std::uint16_t code, std::string_view message) {
  impl_->set_cause(code, direction::global, message);
  impl_->finish();
  return impl_->take();
}

wire::bytes server_engine::frame_ip(network which, wire::byte_span packet) const {
  wire::bytes b;
  b.reserve(packet.size() + 4);
  wire::writer w{b};
  encode_frame(w, which == network::ipv4 ? proto::ipv4 : proto::ipv6, packet, impl_->tx);
  return b;
}

link_phase server_engine::phase() const noexcept {
  return impl_->phase;
}
ppp_state server_engine::lcp_state() const noexcept {
  return impl_->lcp_layer.neg.state();
}
ppp_state server_engine::ipcp_state() const noexcept {
  return impl_->ipcp_layer.neg.state();
}
ppp_state server_engine::ipv6cp_state() const noexcept {
  return impl_->ipv6cp_layer.neg.state();
}
std::uint16_t server_engine::peer_mru() const noexcept {
  return impl_->peer_mru;
}
std::uint16_t server_engine::mru() const noexcept {
  return impl_->our_mru;
}
frame_flags server_engine::tx_flags() const noexcept {
  return impl_->tx;
}
const std::string& server_engine::user() const noexcept {
  return impl_->user;
}
std::uint16_t server_engine::auth_protocol() const noexcept {
  if (!impl_->method) return 0;
  return *impl_->method == lcp::auth_method::pap ? proto::pap : proto::chap;
}
std::uint32_t server_engine::peer_address() const noexcept {
  return impl_->peer_address;
}
std::uint64_t server_engine::peer_interface_id() const noexcept {
  return impl_->peer_interface_id;
}
bool server_engine::proxied_lcp() const noexcept {
  return impl_->proxied;
}
const link_counters& server_engine::counters() const noexcept {
  return impl_->counters;
}
bool server_engine::captured() const noexcept {
  return impl_->captured;
}
proxy_info server_engine::captured_proxy() const {
  return impl_->lac ? impl_->lac->proxy : proxy_info{};
}

}  // namespace bras::ppp
