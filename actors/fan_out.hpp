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

/// Starts a gatherer: send it `fan_out_start_atom` (or delegate a request
/// to it with `fan_out`); it replies to that message as `job.finish`
/// decides, then exits. No targets: it finishes at once.
template <class Answer>
caf::actor spawn_fan_out(caf::actor_system& sys, fan_out_job<Answer> job);

using fan_out_start_atom = caf::atom_constant<caf::atom("fan_start")>;

/// Hands the request `self` is handling to a new gatherer, which answers
/// the requester directly: return the result from the handler.
template <class Answer>
caf::result<caf::message> fan_out(caf::event_based_actor* self, fan_out_job<Answer> job) {
  return self->delegate(spawn_fan_out(self->system(), std::move(job)), fan_out_start_atom::value);
}

/// The same for a typed handler, which must return its declared reply:
/// CAF 0.17's delegate to the untyped gatherer yields delegated<message>,
/// which converts to no typed result. `job.finish` delivers to a
/// typed_response_promise<Reply> instead; return it from the handler.
template <class Reply, class Answer, class Self>
caf::typed_response_promise<Reply> fan_out_to(Self* self, fan_out_job<Answer> job) {
  auto promise = self->template make_response_promise<Reply>();
  job.finish = [finish = std::move(job.finish), promise](caf::event_based_actor* gatherer, std::size_t missing,
                                                         caf::response_promise&) mutable {
    finish(gatherer, missing, promise);
  };
  // Anonymous: the gatherer's own promise goes nowhere, the typed one answers.
  caf::anon_send(spawn_fan_out(self->system(), std::move(job)), fan_out_start_atom::value);
  return promise;
}

// The answers the query path gathers (instantiated in fan_out.cpp, so the
// gatherer's behaviour is compiled once).
extern template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<session_snapshot>);
extern template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<std::vector<tunnel_report>>);
extern template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<shard_answer>);
extern template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<clear_report>);
extern template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<std::vector<std::int64_t>>);

}  // namespace bras::actors
