// The RADIUS client actor's plain helpers (actors/radius_client.cpp): names
// for logs and show, which reply answers which request, the Status-Server
// probe, and the per-server counters of model/aaa.hpp.
#pragma once

#include <chrono>
#include <string_view>

#include "actors/messages.hpp"
#include "model/aaa.hpp"
#include "protocol/radius/attributes.hpp"
#include "protocol/radius/crypto.hpp"
#include "protocol/radius/server_group.hpp"

namespace bras::actors {

[[nodiscard]] std::string_view service_name(radius_service s) noexcept;
[[nodiscard]] std::string_view setting_name(radius::message_authenticator_setting s) noexcept;

/// Does a reply of code `reply` answer a request of code `request` sent to a `service` server?
[[nodiscard]] bool answers(radius::code request, radius::code reply, radius_service service) noexcept;

/// RFC 5997 §3: a Status-Server carrying the NAS identity (Message-Authenticator is added when sealed).
[[nodiscard]] radius::packet status_server_probe(const radius::nas_identity& nas);

/// The counters of a server before its first request.
[[nodiscard]] model::radius_server_snapshot initial_server_stats(const radius::server_config& s,
                                                                 radius_service service);
/// An answered request: its kind and its latency.
void record_answer(model::radius_server_snapshot& s, radius::code reply, std::chrono::steady_clock::duration latency);
/// A refused reply, by why.
void record_refusal(model::radius_server_snapshot& s, radius::reply_refusal why) noexcept;

}  // namespace bras::actors
