#include "actors/accounting.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "actors/acct_session_id.hpp"
#include "actors/context.hpp"

namespace bras::actors {

namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto first_backoff = 1s;
constexpr auto max_backoff = 60s;
constexpr auto off_deadline = 3s;
/// A safety net only: the client answers every call itself once its servers' timeouts ran out.
constexpr auto call_timeout = std::chrono::minutes{5};

std::uint32_t now_unix() {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

/// What memory keeps of one unacknowledged record; its bytes stay in the spool.
struct pending_record {
  std::uint32_t written = 0;
  std::uint8_t kind = 0;
  std::uint8_t failures = 0;  ///< attempts not answered (the back-off doubles with each)
  bool in_flight = false;
  bool waiting = false;       ///< in back-off
  std::uint64_t session = 0;  ///< hash of the Acct-Session-Id: records of one session go in seq order
};

struct accounting_state {
  static constexpr const char* name = "accounting";
  explicit accounting_state(accounting_actor::stateful_pointer<accounting_state> s) : self(s) {}

  accounting_actor::stateful_pointer<accounting_state> self;
  accounting_config cfg;
  std::map<std::uint64_t, pending_record> records;  ///< by seq
  /// Each session's unacknowledged records in seq order; only the first may be sent.
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> sessions;
  std::set<std::uint64_t> ready;                                   ///< sendable now, oldest first
  std::set<std::pair<steady::time_point, std::uint64_t>> backoff;  ///< (retry at, seq)
  std::size_t in_flight = 0;
  bool refusing = false;
  bool dirty = false;  ///< written since the last sync
  std::optional<steady::time_point> sync_at;
  // The one timer: armed for the earliest of sync_at, the first back-off and the Off deadline.
  std::uint64_t timer_generation = 0;
  std::optional<steady::time_point> timer_at;
  // Accounting-Off: the caller waits for its acknowledgement or the deadline.
  std::optional<std::uint64_t> off_seq;
  std::optional<steady::time_point> off_until;
  caf::typed_response_promise<bool> off_promise;
  std::unique_ptr<acct_session_ids> ids;  ///< Accounting-On/Off's Acct-Session-Ids (tunnel and session 0)
  model::spool_snapshot stats;
  std::uint64_t lost = 0;  ///< records that could not be written at all
  log_limiter warn_log;

  void start() {
    stats.enabled = true;
    stats.directory = cfg.radius->spool.directory;
    stats.when_full = cfg.radius->spool.when_full == config::spool_full_policy::drop_oldest_interims
                          ? "drop-oldest-interims"
                          : "refuse-new-sessions";
    for (const auto& r : cfg.store->pending()) {
      auto bytes = cfg.store->read(r.seq);
      auto p = bytes ? radius::decode(*bytes) : wire::result<radius::packet>{wire::error{"unreadable", 0}};
      if (!p) {
        // Nothing can ever send it; keeping it would pin its segment for good.
        ++lost;
        cfg.log->error("acct-spool-unreadable seq={} error={}", r.seq, std::strerror(cfg.store->last_error()));
        cfg.store->acknowledge(r.seq);
        continue;
      }
      const auto* id = p->find(radius::attr::acct_session_id);
      track(r.seq, r.written_unix, r.kind, id ? order_key(r.kind, radius::as_string(*id)) : std::string{});
      ++stats.replayed;
    }
    if (stats.replayed != 0) cfg.log->info("acct-spool-replayed records={}", stats.replayed);
    radius::accounting_record on;
    on.status = radius::acct_status::accounting_on;
    ids = std::make_unique<acct_session_ids>(cfg.store->boot());
    on.session_id = ids->next(0, 0);
    on.event_timestamp = now_unix();
    write(on);
    pump();
  }

  // ---- writing ----

  std::optional<std::uint64_t> write(const radius::accounting_record& rec) {
    auto packet = radius::make_accounting_request(cfg.nas, rec, 0);
    packet.remove(radius::attr::acct_delay_time);  // added per attempt, from the time written
    const auto bytes = radius::encode(packet);
    const auto kind = static_cast<std::uint8_t>(rec.status);
    const auto now = now_unix();
    auto written = cfg.store->append(bytes, kind, now);
    if (!written && cfg.radius->spool.when_full == config::spool_full_policy::drop_oldest_interims) {
      for (auto it = records.begin(); !written && it != records.end();) {
        const auto seq = it->first;
        const bool interim = it->second.kind == static_cast<std::uint8_t>(radius::acct_status::interim_update);
        ++it;
        if (!interim) continue;
        ++stats.dropped_interims;
        forget(seq);
        written = cfg.store->append(bytes, kind, now);
      }
    }
    if (!written && cfg.radius->spool.when_full == config::spool_full_policy::refuse_new_sessions && !refusing) {
      refusing = true;
      ++stats.refused_sessions;
      if (cfg.refuse_new_sessions != nullptr) cfg.refuse_new_sessions->store(true);
      cfg.log->warn("acct-spool-full bytes={} max={} policy=refuse-new-sessions", cfg.store->bytes(),
                    cfg.store->max_bytes());
    }
    if (!written) {
      if (rec.status == radius::acct_status::interim_update) {
        // By policy the first to go; still counted and logged.
        ++stats.dropped_interims;
        if (warn_log.allow()) cfg.log->warn("acct-interim-dropped session={} spool-full", rec.session_id);
      } else {
        ++lost;
        cfg.log->error("acct-record-lost session={} status={} bytes={} max={} error={}", rec.session_id,
                       static_cast<unsigned>(kind), cfg.store->bytes(), cfg.store->max_bytes(),
                       std::strerror(cfg.store->last_error()));
      }
      return std::nullopt;
    }
    ++stats.written;
    switch (rec.status) {
      case radius::acct_status::start: ++stats.starts; break;
      case radius::acct_status::interim_update: ++stats.interims; break;
      case radius::acct_status::stop: ++stats.stops; break;
      case radius::acct_status::accounting_on:
      case radius::acct_status::accounting_off: break;
    }
    track(written->seq, written->written_unix, kind, order_key(kind, rec.session_id));
    mark_dirty();
    return written->seq;
  }

  /// Records with one key go out in seq order: a session's, and Accounting-On/Off among themselves.
  static std::string order_key(std::uint8_t kind, const std::string& session_id) {
    const auto status = static_cast<radius::acct_status>(kind);
    if (status == radius::acct_status::accounting_on || status == radius::acct_status::accounting_off) return {};
    return session_id;
  }

  void track(std::uint64_t seq, std::uint32_t written, std::uint8_t kind, const std::string& session_id) {
    pending_record r;
    r.written = written;
    r.kind = kind;
    r.session = std::hash<std::string>{}(session_id);
    records.emplace(seq, r);
    auto& queue = sessions[r.session];
    queue.push_back(seq);
    if (queue.size() == 1) ready.insert(seq);
  }

  /// The record is done with (acknowledged by a server, or dropped by policy).
  void forget(std::uint64_t seq) {
    auto it = records.find(seq);
    if (it == records.end()) return;
    cfg.store->acknowledge(seq);
    mark_dirty();
    if (it->second.in_flight) --in_flight;  // its answer, when it comes, finds nothing
    ready.erase(seq);
    auto session = sessions.find(it->second.session);
    if (session != sessions.end()) {
      auto& queue = session->second;
      const bool was_first = !queue.empty() && queue.front() == seq;
      queue.erase(std::remove(queue.begin(), queue.end(), seq), queue.end());
      if (queue.empty()) {
        sessions.erase(session);
      } else if (was_first) {
        ready.insert(queue.front());  // the next of this session may go now
      }
    }
    records.erase(it);
    if (refusing && cfg.store->bytes() < cfg.store->max_bytes() / 10 * 9) {
      refusing = false;
      if (cfg.refuse_new_sessions != nullptr) cfg.refuse_new_sessions->store(false);
      cfg.log->info("acct-spool-drained bytes={} max={}", cfg.store->bytes(), cfg.store->max_bytes());
    }
  }

  // ---- sending ----

  void pump() {
    const auto max = std::max(1u, cfg.radius->acct_max_in_flight);
    while (in_flight < max && !ready.empty()) {
      const auto seq = *ready.begin();
      ready.erase(ready.begin());
      send(seq);
    }
  }

  void send(std::uint64_t seq) {
    auto it = records.find(seq);
    if (it == records.end() || it->second.in_flight) return;
    auto bytes = cfg.store->read(seq);
    auto packet = bytes ? radius::decode(*bytes) : wire::result<radius::packet>{wire::error{"unreadable", 0}};
    if (!packet) {
      ++lost;
      cfg.log->error("acct-spool-unreadable seq={} error={}", seq, std::strerror(cfg.store->last_error()));
      forget(seq);
      return;
    }
    const auto now = now_unix();
    packet->remove(radius::attr::acct_delay_time);
    packet->add_u32(radius::attr::acct_delay_time, now > it->second.written ? now - it->second.written : 0);
    if (it->second.failures != 0) ++stats.resent;
    it->second.in_flight = true;
    ++in_flight;
    self->request(cfg.client, call_timeout, radius_call{radius_service::accounting, std::move(*packet)})
        .then([self = self, seq](radius_outcome& o) { self->state.outcome(seq, o.answered, o.reply.code, o.error); },
              [self = self, seq](caf::error& e) {
                self->state.outcome(seq, false, radius::code::accounting_response, to_string(e));
              });
  }

  void outcome(std::uint64_t seq, bool answered, radius::code code, const std::string& error) {
    auto it = records.find(seq);
    if (it == records.end() || !it->second.in_flight) return;  // dropped meanwhile
    it->second.in_flight = false;
    --in_flight;
    if (answered && code == radius::code::accounting_response) {
      ++stats.acknowledged;
      forget(seq);
      if (off_seq == seq) finish_off(true);
    } else {
      auto& r = it->second;
      if (r.failures < 255) ++r.failures;
      const auto delay =
          std::min<steady::duration>(first_backoff * (1ll << std::min<int>(r.failures - 1, 6)), max_backoff);
      r.waiting = true;
      backoff.emplace(steady::now() + delay, seq);
      if (warn_log.allow())
        cfg.log->warn("acct-send-failed seq={} attempts={} error={} retry-in={}s", seq, r.failures,
                      answered ? "unexpected-reply" : error,
                      std::chrono::duration_cast<std::chrono::seconds>(delay).count());
    }
    pump();
    arm();
  }

  // ---- timers ----

  void mark_dirty() {
    dirty = true;
    if (!sync_at) sync_at = steady::now() + cfg.radius->spool.fsync_interval;
    arm();
  }

  void arm() {
    std::optional<steady::time_point> due = sync_at;
    auto earliest = [&](steady::time_point t) {
      if (!due || t < *due) due = t;
    };
    if (!backoff.empty()) earliest(backoff.begin()->first);
    if (off_until) earliest(*off_until);
    if (!due || (timer_at && *timer_at <= *due)) return;
    timer_at = *due;
    const auto wait = std::max<steady::duration>(*due - steady::now(), steady::duration::zero());
    self->delayed_send(self, std::chrono::duration_cast<std::chrono::microseconds>(wait), tick_atom::value,
                       ++timer_generation);
  }

  void tick(std::uint64_t generation) {
    if (generation != timer_generation) return;
    timer_at.reset();
    const auto now = steady::now();
    if (sync_at && *sync_at <= now) sync();
    while (!backoff.empty() && backoff.begin()->first <= now) {
      const auto seq = backoff.begin()->second;
      backoff.erase(backoff.begin());
      if (auto it = records.find(seq); it != records.end()) {
        it->second.waiting = false;
        ready.insert(seq);
      }
    }
    if (off_until && *off_until <= now) finish_off(false);
    pump();
    arm();
  }

  void sync() {
    if (dirty) cfg.store->sync();
    dirty = false;
    sync_at.reset();
  }

  // ---- Accounting-Off ----

  void begin_off() {
    if (off_promise.pending()) finish_off(false);  // a second clean stop: the first gives up
    off_promise = self->make_response_promise<bool>();
    radius::accounting_record off;
    off.status = radius::acct_status::accounting_off;
    off.session_id = ids->next(0, 0);
    off.event_timestamp = now_unix();
    off_seq = write(off);
    if (!off_seq) return finish_off(false);
    off_until = steady::now() + off_deadline;
    pump();
    arm();
  }

  void finish_off(bool acknowledged) {
    sync();
    off_seq.reset();
    off_until.reset();
    if (off_promise.pending()) off_promise.deliver(acknowledged);
  }

  // ---- the show command ----

  model::spool_snapshot snapshot() const {
    auto s = stats;
    s.records = records.size();
    s.bytes = cfg.store->bytes();
    s.max_bytes = cfg.store->max_bytes();
    s.full = refusing || s.bytes >= s.max_bytes;
    s.fsyncs = cfg.store->fsyncs();
    s.lost = lost;
    if (!records.empty()) {
      const auto now = now_unix();
      const auto written = records.begin()->second.written;
      s.oldest_age = std::chrono::seconds{now > written ? now - written : 0};
    }
    // Our own index: a map node per record, a queue entry per record and session, the timer sets.
    s.memory_bytes = cfg.store->memory_bytes() + records.size() * (sizeof(pending_record) + 48) + sessions.size() * 64 +
                     records.size() * sizeof(std::uint64_t) + ready.size() * 40 + backoff.size() * 48;
    return s;
  }
};

}  // namespace

accounting_actor spawn_accounting(caf::actor_system& sys, accounting_config cfg) {
  // The configuration is the spawn argument, not a capture: CAF 0.17 binds a function actor without
  // arguments through a null tuple, which UBSan reports (docs/architecture.md, stack notes).
  auto behavior = [](accounting_actor::stateful_pointer<accounting_state> self,
                     accounting_config c) -> accounting_actor::behavior_type {
    self->state.cfg = std::move(c);
    self->state.start();
    return {
        [self](acct_report& r) {
          self->state.write(r.record);
          self->state.pump();
        },
        [self](tick_atom, std::uint64_t generation) { self->state.tick(generation); },
        [self](acct_off_atom) -> caf::typed_response_promise<bool> {
          self->state.begin_off();
          return self->state.off_promise;
        },
        [self](aaa_stats_atom) -> model::spool_snapshot { return self->state.snapshot(); },
    };
  };
  return sys.spawn(behavior, std::move(cfg));
}

}  // namespace bras::actors
