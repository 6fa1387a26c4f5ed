// The one fan-out of the query path (query actor -> shards -> tunnels ->
// sessions, for both query and clear): ask many actors at once, with a
// deadline, without blocking the asker.
//
// A short-lived gatherer actor sends one message to every target, collects
// the typed answers as plain messages, and stops at the first of: all
// answered, or the deadline (one timer), counting the rest as missing. Then
// it delivers one reply and exits. Not request(...).then: CAF 0.17 keeps one
// entry per outstanding request in a vector it searches linearly, so 100,000
// requests from one actor cost seconds of that actor's time (a standalone
// CAF program, not in bench/: 10.4 s, versus 0.29 s with plain messages),
// during which a tunnel would answer no control message and its deadline
// would not fire.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "actors/messages.hpp"

namespace bras::actors {

/// One fan-out: what to send, to whom, for how long, and what to do with
/// the answers (typed `Answer`, the targets' reply to `request`).
template <class Answer>
struct fan_out_job {
  caf::message request;  ///< sent once to each target (shared, not copied)
  std::vector<caf::actor> targets;
  caf::timespan deadline{std::chrono::seconds{1}};
  /// Runs in the gatherer for each answer, in arrival order; it may send
  /// from `gatherer`.
  std::function<void(caf::event_based_actor* gatherer, Answer& answer)> merge;
  /// Runs once, when every target answered or the deadline passed (an
  /// error answer counts as missing). Delivers the reply to `reply`, now
  /// or later from another actor holding a copy of it.
  std::function<void(caf::event_based_actor* gatherer, std::size_t missing, caf::response_promise& reply)> finish;
};

using fan_out_start_atom = caf::atom_constant<caf::atom("fan_start")>;

/// Starts a gatherer that, once sent `fan_out_start_atom`, asks the targets
/// and hands `reply` to `job.finish`, then exits. No targets: it finishes
/// at once.
template <class Answer>
caf::actor spawn_fan_out(caf::actor_system& sys, fan_out_job<Answer> job, caf::response_promise reply);

/// Fans the request `self` is handling out through a gatherer, which
/// answers the requester directly: return the promise from the handler.
/// Typed (the `Reply` the handler declares) because CAF 0.17's delegate to
/// the untyped gatherer would yield delegated<message>, which converts to no
/// typed result.
template <class Reply, class Answer, class Self>
caf::typed_response_promise<Reply> fan_out_to(Self* self, fan_out_job<Answer> job) {
  auto promise = self->template make_response_promise<Reply>();
  caf::anon_send(spawn_fan_out(self->system(), std::move(job), promise), fan_out_start_atom::value);
  return promise;
}

// The answers the query path gathers (instantiated in fan_out.cpp, so the
// gatherer's behaviour is compiled once).
extern template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<session_snapshot>, caf::response_promise);
extern template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<std::vector<tunnel_report>>,
                                         caf::response_promise);
extern template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<shard_answer>, caf::response_promise);
extern template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<clear_report>, caf::response_promise);
extern template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<std::vector<std::int64_t>>,
                                         caf::response_promise);

}  // namespace bras::actors
