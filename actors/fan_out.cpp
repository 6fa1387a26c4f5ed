#include "actors/fan_out.hpp"

namespace bras::actors {

namespace {

using fan_out_deadline_atom = caf::atom_constant<caf::atom("fan_dline")>;

template <class Answer>
struct fan_out_state {
  static constexpr const char* name = "fan_out";
  fan_out_job<Answer> job;
  std::size_t answered = 0;     ///< answers merged
  std::size_t failed = 0;       ///< error answers (counted missing)
  caf::response_promise reply;  ///< the asker's, handed to job.finish
  bool started = false;
  bool done = false;
};

template <class Answer>
caf::behavior fan_out_gatherer(caf::stateful_actor<fan_out_state<Answer>>* self, fan_out_job<Answer> job,
                               caf::response_promise reply) {
  self->state.job = std::move(job);
  self->state.reply = std::move(reply);
  auto finish = [self] {
    auto& st = self->state;
    if (st.done) return;
    st.done = true;
    st.job.finish(self, st.job.targets.size() - st.answered, st.reply);
    self->quit();
  };
  auto finish_if_all_in = [self, finish] {
    auto& st = self->state;
    if (st.answered + st.failed == st.job.targets.size()) finish();
  };
  // A target that failed: missing now rather than at the deadline. An error
  // message goes to this handler, not the behaviour, and the default one
  // would end the gatherer without a reply.
  self->set_error_handler([self, finish_if_all_in](caf::error&) {
    auto& st = self->state;
    if (!st.started || st.done) return;
    ++st.failed;
    finish_if_all_in();
  });
  return {
      [self, finish](fan_out_start_atom) {
        auto& st = self->state;
        if (st.started) return;
        st.started = true;
        for (const auto& t : st.job.targets) self->send(t, st.job.request);
        if (st.job.targets.empty()) return finish();
        self->delayed_send(self, st.job.deadline, fan_out_deadline_atom::value);
      },
      // A target's reply to the plain message: its handler's result.
      [self, finish_if_all_in](Answer& a) {
        auto& st = self->state;
        if (!st.started || st.done) return;
        st.job.merge(self, a);
        ++st.answered;
        finish_if_all_in();
      },
      [finish](fan_out_deadline_atom) { finish(); },
  };
}

}  // namespace

template <class Answer>
caf::actor spawn_fan_out(caf::actor_system& sys, fan_out_job<Answer> job, caf::response_promise reply) {
  return sys.spawn(fan_out_gatherer<Answer>, std::move(job), std::move(reply));
}

template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<session_snapshot>, caf::response_promise);
template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<std::vector<tunnel_report>>, caf::response_promise);
template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<shard_answer>, caf::response_promise);
template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<clear_report>, caf::response_promise);
template caf::actor spawn_fan_out(caf::actor_system&, fan_out_job<std::vector<std::int64_t>>, caf::response_promise);

}  // namespace bras::actors
