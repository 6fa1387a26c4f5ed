#include "daemon/daemon.hpp"

#include <mutex>
#include <stdexcept>

#include <prometheus/collectable.h>
#include <prometheus/text_serializer.h>
#include "actors/aaa.hpp"
#include "actors/acceptor.hpp"
#include "actors/client_match.hpp"
#include "actors/lac.hpp"
#include "actors/pppoe_access.hpp"
#include "actors/query.hpp"
#include "actors/shard.hpp"
#include "daemon/memory_trim.hpp"
#include "dataplane/data_path.hpp"
#include "dataplane/pppoe_path.hpp"
#include "io/control.hpp"
#include "io/log_sink.hpp"
#include "io/metrics_http.hpp"
#include "io/packet_socket.hpp"
#include "io/radius_socket.hpp"
#include "io/tun.hpp"
#include "io/udp.hpp"
#include "metrics/families.hpp"

namespace bras::app {

namespace {

std::shared_ptr<spdlog::logger> logger(const std::string& name, const std::string& level) {
  auto log = io::make_logger(name);
  log->set_level(spdlog::level::from_str(level));
  return log;
}

/// The tunnel set-up limits of `l2tp` (at the start and at each reload).
actors::tunnel_admission_settings admission_limits(const config::l2tp_settings& l2tp) {
  actors::tunnel_admission_settings a;
  a.rate = l2tp.tunnel_setup_rate;
  a.rate_per_source = l2tp.tunnel_setup_rate_per_source;
  a.max_in_setup = l2tp.max_tunnels_in_setup;
  a.max_in_setup_per_source = l2tp.max_tunnels_in_setup_per_source;
  return a;
}

}  // namespace

struct daemon::config_status {
  std::mutex mutex;
  metrics::config_figures figures;
};

/// Builds the families at scrape time (on the exporter's thread): counters are
/// read in place, pool, shard and RADIUS figures asked of their actors with a deadline.
class scrape_collector final : public prometheus::Collectable {
 public:
  explicit scrape_collector(daemon& d) : d_{d} {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    metrics::scrape_inputs in;
    in.version = BRAS_VERSION;
    in.process = metrics::read_process_figures();
    in.config = d_.config_figures();
    in.log_lines_lost = io::log_lines_lost();
    in.accept_failures_cli = d_.cli_accept_failures();
    in.accept_failures_metrics = d_.metrics_accept_failures();
    in.access_kernel_drops = d_.access_kernel_drops();
    in.memory = d_.memory_figures();
    if (d_.ctx().cfg.metrics.per_session) {
      in.sessions = &d_.ctx().sessions;
      in.per_session_limit = d_.ctx().cfg.metrics.per_session_limit;
    }
    caf::scoped_actor self{d_.system()};
    self->request(d_.aaa(), std::chrono::seconds{1}, actors::pool_atom::value)
        .receive([&](std::vector<model::pool_usage>& p) { in.pools = std::move(p); }, [](caf::error&) {});
    for (const auto& s : d_.shards()) {
      model::shard_counts counts;
      self->request(s, std::chrono::seconds{1}, actors::count_atom::value)
          .receive([&](const model::shard_counts& c) { counts = c; }, [](caf::error&) {});
      in.shards.push_back(counts);
    }
    // The query actor asks the RADIUS actors within its own 1 s deadline; this one only bounds a wedged daemon.
    if (d_.query()) {
      self->request(d_.query(), std::chrono::seconds{2}, actors::aaa_stats_atom::value)
          .receive([&](model::aaa_snapshot& a) { in.aaa = std::move(a); }, [](caf::error&) {});
    }
    return metrics::render(d_.ctx().stats, in);
  }

 private:
  daemon& d_;
};

daemon::daemon(config::settings cfg) : config_status_{std::make_unique<config_status>()} {
  try {
    build(std::move(cfg));
  } catch (...) {
    // Actors hold the context and the context holds actors: without this,
    // the actor system would wait for them forever while the error unwinds.
    stop_everything();
    throw;
  }
}

void daemon::build(config::settings cfg) {
  ctx_ = std::make_shared<actors::context>();
  ctx_->cfg = std::move(cfg);
  auto level_of = [&](const std::string& component) {
    auto it = ctx_->cfg.log_components.find(component);
    return it == ctx_->cfg.log_components.end() ? ctx_->cfg.log_level : it->second;
  };
  ctx_->log = logger("l2tp", level_of("l2tp"));
  ctx_->ppp_log = logger("ppp", level_of("ppp"));
  ctx_->aaa_log = logger("aaa", level_of("aaa"));
  ctx_->io_log = logger("io", level_of("io"));
  auto clients = actors::client_count(ctx_->cfg.l2tp);
  ctx_->client_tunnels = std::make_unique<std::atomic<int>[]>(clients == 0 ? 1 : clients);
  ctx_->shard_backlog = std::make_unique<std::atomic<std::int64_t>[]>(ctx_->cfg.shards);
  ctx_->admission =
      std::make_unique<actors::tunnel_admission>(admission_limits(ctx_->cfg.l2tp), &ctx_->stats.tunnels_in_setup);
  ctx_->limits.set(ctx_->cfg.l2tp);

  system_cfg_ = std::make_unique<caf::actor_system_config>();
  system_cfg_->set("scheduler.max-threads", static_cast<std::size_t>(ctx_->cfg.threads));
  // Work sharing by default: on CAF 0.17 stealing is linear in queue length
  // when one actor wakes thousands, and its idle workers poll (see
  // docs/architecture.md, "Sharding and IDs", and docs/benchmarks.md).
  const bool stealing = ctx_->cfg.scheduler == config::scheduler_policy::stealing;
  system_cfg_->set("scheduler.policy", stealing ? caf::atom("stealing") : caf::atom("sharing"));
  if (ctx_->cfg.max_throughput != 0)
    system_cfg_->set("scheduler.max-throughput", static_cast<std::size_t>(ctx_->cfg.max_throughput));
  system_cfg_->set("logger.verbosity", caf::atom("quiet"));
  system_ = std::make_unique<caf::actor_system>(*system_cfg_);

  build_radius_clients();
  auto db = actors::load_subscriber_db(ctx_->cfg.aaa);
  if (auto* e = std::get_if<std::string>(&db)) throw std::runtime_error(*e);
  actors::aaa_config ac;
  ac.settings = &ctx_->cfg;
  ac.stats = &ctx_->stats;
  ac.log = ctx_->aaa_log;
  ac.radius = ctx_->radius_auth;
  ac.accounting_refuses = &ctx_->accounting_refuses;
  auto aaa = actors::spawn_aaa(*system_, ac, std::move(std::get<actors::subscriber_db>(db)));
  if (auto* e = std::get_if<std::string>(&aaa)) throw std::runtime_error(*e);
  aaa_ = std::get<actors::aaa_actor>(aaa);
  ctx_->aaa = aaa_;

  udp_ = std::make_shared<udp_service>(io_, ctx_->cfg.l2tp);
  ctx_->tx = udp_;
  if (!ctx_->cfg.data_plane.tun.empty()) {
    std::vector<config::ipv4_prefix> routes;
    for (const auto& p : ctx_->cfg.address_pools) routes.insert(routes.end(), p.prefixes.begin(), p.prefixes.end());
    io::tun_ipv6 v6{ctx_->cfg.ipv6.local_address, {}};
    for (const auto& p : ctx_->cfg.prefix_pools)
      v6.routes.insert(v6.routes.end(), p.prefixes.begin(), p.prefixes.end());
    tun_ = std::make_unique<tun_device>(io_, ctx_->cfg.data_plane.tun, ctx_->cfg.ppp.local_address, routes, v6, 1500,
                                        ctx_->cfg.data_plane.tun_queues);
  }
  data_ = std::make_unique<dataplane::data_path>(ctx_->cfg.data_plane.mode, ctx_->sessions, ctx_->stats, *udp_,
                                                 tun_.get(), [ctx = ctx_.get()](int error) {
                                                   if (ctx->io_log && ctx->io_error_log.allow())
                                                     ctx->io_log->warn("tun-write-error errno={}", error);
                                                 });
  ctx_->forwarder = data_.get();
  udp_->set_data_path(data_.get());
  if (tun_) {
    tun_->start([this](std::span<dataplane::headroom_packet> burst) { data_->from_tun(burst); });
    ctx_->io_log->info("tun-up device={} pools={} queues={}", ctx_->cfg.data_plane.tun, ctx_->cfg.address_pools.size(),
                       tun_->queues());
  }
  for (std::size_t i = 0; i < ctx_->cfg.l2tp.local_gateways.size(); ++i) {
    ctx_->io_log->info("gateway-bound name={} address={}", ctx_->cfg.l2tp.local_gateways[i].name,
                       udp_->local(static_cast<std::uint16_t>(i)).to_string());
  }
  if (!ctx_->cfg.metrics.listen.empty()) {
    collector_ = std::make_shared<scrape_collector>(*this);
    auto scrape = [collector = collector_] { return prometheus::TextSerializer{}.Serialize(collector->Collect()); };
    try {
      metrics_ = std::make_unique<io::metrics_http>(ctx_->cfg.metrics.listen, std::move(scrape), ctx_->io_log);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot listen for /metrics on " + ctx_->cfg.metrics.listen + ": " + e.what());
    }
  }
  if (ctx_->cfg.ppp.ipv6) log_ipv6();
  // Each actor gets the parts of the instance it uses, not the context.
  // A control socket that cannot be bound fails the start after this:
  // stop_everything ends these actors again.
  for (unsigned i = 0; i < ctx_->cfg.shards; ++i) {
    actors::shard_config sc;
    sc.index = static_cast<std::uint16_t>(i);
    sc.shards = static_cast<std::uint16_t>(ctx_->cfg.shards);
    sc.l2tp = &ctx_->cfg.l2tp;
    sc.stats = &ctx_->stats;
    sc.log = ctx_->log;
    sc.malformed_log = &ctx_->malformed_log;
    sc.tunnels = &ctx_->tunnel_handles();
    sc.admission = ctx_->admission.get();
    sc.backlog = &ctx_->shard_backlog[i];
    ctx_->shards.push_back(actors::spawn_shard(*system_, std::move(sc)));
  }
  acceptor_ = actors::spawn_acceptor(*system_, {&ctx_->cfg.l2tp, ctx_->shards, &ctx_->stats, ctx_->log,
                                                &ctx_->malformed_log, ctx_->shard_backlog.get()});
  lac_ = actors::spawn_lac(*system_, {&ctx_->cfg.l2tp, ctx_->shards, ctx_->log});
  ctx_->lac = lac_;  // the tunnels ask it to break ties
  actors::query_config qc;
  qc.shards = ctx_->shards;
  qc.lac = lac_;
  qc.l2tp = &ctx_->cfg.l2tp;
  qc.stats = &ctx_->stats;
  qc.radius_auth = ctx_->radius_auth;
  qc.radius_acct = ctx_->radius_acct;
  qc.accounting = ctx_->accounting;
  qc.coa = &ctx_->coa;
  query_ = actors::spawn_query(*system_, qc);
  build_coa();
  if (!ctx_->cfg.pppoe.interfaces.empty()) build_pppoe();
  if (!ctx_->cfg.cli.socket.empty()) {
    control_ = std::make_unique<control_server>(*system_, query_, ctx_->cfg, logger("cli", level_of("cli")));
  }
  udp_->start({&ctx_->stats, &ctx_->io_log, &ctx_->io_error_log, ctx_->shard_backlog.get()}, acceptor_, ctx_->shards);
  if (control_) control_->start();  // now that the shards and the LAC controller exist
  if (metrics_) metrics_->start();
  trimmer_ = std::make_unique<memory_trimmer>(ctx_->stats, ctx_->io_log, memory_trimmer::settings{});
}

void daemon::build_pppoe() {
  const auto& pc = ctx_->cfg.pppoe;
  std::vector<std::string> names;
  for (const auto& i : pc.interfaces) names.push_back(i.name);
  access_ports_ = std::make_unique<io::access_ports>(io_, names);
  // A Discovery flood must not grow the access actor's mailbox without bound: past this, frames are
  // dropped (pppoe_drop_overload). 16384 frames of some 250 bytes each (4 MiB; 65536 cost 25 MiB of
  // RSS under ASan in the pppoe_flood test): under a second of the actor's work, so a subscriber's
  // PADI behind a full queue still waits less than its client's first retransmission.
  constexpr std::size_t max_queued_discovery = 16384;
  discovery_sink_ = std::make_unique<actors::access_discovery_sink>(ctx_->stats, max_queued_discovery);
  pppoe_ =
      std::make_unique<dataplane::pppoe_path>(ctx_->sessions, ctx_->stats, *access_ports_, *udp_, *discovery_sink_);
  data_->set_pppoe(pppoe_.get());
  auto env = std::make_shared<actors::pppoe_session_env>();
  env->pppoe = &ctx_->cfg.pppoe;
  env->ppp_base = &ctx_->ppp_base();
  env->lac = lac_;
  env->discovery = access_ports_.get();
  env->to_client = [path = pppoe_.get()](const dataplane::data_session& s, wire::byte_span ppp) {
    return path->to_client(s, ppp);
  };
  env->stats = &ctx_->stats;
  env->log = ctx_->ppp_log;
  env->peer_log = &ctx_->peer_log;
  env->aaa = aaa_;
  env->aaa_routes = &ctx_->cfg.aaa;
  env->aaa_timeout = ctx_->cfg.ppp.aaa_timeout;
  env->timers = &ctx_->timers;
  env->interface_names = names;
  actors::pppoe_access_config ac;
  ac.pppoe = &ctx_->cfg.pppoe;
  ac.sender = access_ports_.get();
  ac.sessions = &ctx_->sessions;
  ac.sink = discovery_sink_.get();
  ac.stats = &ctx_->stats;
  ac.log = ctx_->ppp_log;
  ac.session = std::move(env);
  pppoe_access_ = actors::spawn_pppoe_access(*system_, std::move(ac));
  discovery_sink_->attach(pppoe_access_);
  access_ports_->start(*pppoe_, &ctx_->stats);
  ctx_->io_log->info("pppoe-access-up interfaces={}", names.size());
}

void daemon::log_ipv6() {
  const auto& v6 = ctx_->cfg.ipv6;
  const auto& duid = ctx_->dhcpv6_base().server_duid;
  std::string hex;
  for (const auto b : duid) {
    static constexpr char digits[] = "0123456789abcdef";
    hex += digits[std::to_integer<unsigned>(b) >> 4];
    hex += digits[std::to_integer<unsigned>(b) & 0xf];
  }
  ctx_->ppp_log->info(
      "ipv6-up prefix-pool={} delegated-prefix-pool={} router-advertisement={} dhcpv6={} server-duid={}",
      v6.prefix_pool.empty() ? "none" : v6.prefix_pool,
      v6.delegated_prefix_pool.empty() ? "none" : v6.delegated_prefix_pool,
      v6.router_advertisement.enabled ? "on" : "off", v6.dhcpv6.enabled ? "on" : "off", hex);
}

void daemon::set_config_figures(const metrics::config_figures& f) {
  std::lock_guard lock{config_status_->mutex};
  config_status_->figures = f;
}

metrics::config_figures daemon::config_figures() const {
  std::lock_guard lock{config_status_->mutex};
  return config_status_->figures;
}

void daemon::apply_reload(const config::settings& cfg) {
  set_log_levels(cfg);
  ctx_->limits.set(cfg.l2tp);
  ctx_->admission->set_limits(admission_limits(cfg.l2tp));
}

void daemon::set_log_levels(const config::settings& cfg) {
  for (const auto& component : config::log_components) {
    auto it = cfg.log_components.find(component);
    const auto& level = it == cfg.log_components.end() ? cfg.log_level : it->second;
    if (auto log = spdlog::get(component)) log->set_level(spdlog::level::from_str(level));
  }
}

std::uint16_t daemon::metrics_port() const {
  return metrics_ ? metrics_->port() : 0;
}

std::uint64_t daemon::cli_accept_failures() const noexcept {
  return control_ ? control_->accept_failures() : 0;
}

std::uint64_t daemon::metrics_accept_failures() const noexcept {
  return metrics_ ? metrics_->accept_failures() : 0;
}

metrics::memory_figures daemon::memory_figures() const {
  metrics::memory_figures m;
  const auto heap = read_heap();
  m.heap_in_use = heap.in_use;
  m.heap_free = heap.free;
  if (trimmer_) {
    m.trims = trimmer_->trims();
    m.trimmed_bytes = trimmer_->released_bytes();
  }
  return m;
}

std::vector<std::pair<std::string, std::uint64_t>> daemon::access_kernel_drops() const {
  if (!access_ports_) return {};
  return access_ports_->kernel_drops();
}

daemon::~daemon() {
  stop_everything();
}

void daemon::stop_everything() noexcept {
  metrics_.reset();  // no scrape may run while the actors go away
  trimmer_.reset();
  control_.reset();  // nor an operator command
  if (work_) work_.reset();
  io_.stop();
  if (io_thread_.joinable()) io_thread_.join();
  if (tun_) tun_->stop();  // its reader threads use the data path and the session table
  if (access_ports_) access_ports_->stop();
  if (!system_) return;
  // Shards are linked to their tunnels, tunnels to their sessions: this ends
  // every actor, and with them their references to the context.
  for (auto& s : ctx_->shards) caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(acceptor_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(lac_, caf::exit_reason::user_shutdown);
  if (pppoe_access_) caf::anon_send_exit(pppoe_access_, caf::exit_reason::user_shutdown);
  pppoe_access_ = nullptr;
  if (discovery_sink_) discovery_sink_->attach(actors::pppoe_access_actor{});
  caf::anon_send_exit(aaa_, caf::exit_reason::user_shutdown);
  stop_radius();
  if (query_) caf::anon_send_exit(query_, caf::exit_reason::user_shutdown);
  query_ = nullptr;
  acceptor_ = nullptr;
  lac_ = nullptr;
  aaa_ = nullptr;
  forget_radius();
  system_->await_all_actors_done();
  ctx_->timers.stop();  // after the actors: a closing tunnel's hold runs on it
  ctx_->shards.clear();
  ctx_->lac = nullptr;
  ctx_->aaa = nullptr;
  ctx_->forwarder = nullptr;
  ctx_->tx.reset();
}

void daemon::start() {
  work_ =
      std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(io_.get_executor());
  io_thread_ = std::thread{[this] { io_.run(); }};
}

void daemon::run() {
  io_.run();
}

void daemon::begin_shutdown() {
  // The subscribers first: each gets its LCP Terminate-Request and PADT while the tunnels close.
  if (pppoe_access_) caf::anon_send(pppoe_access_, actors::shutdown_atom::value);
  for (auto& s : ctx_->shards) caf::anon_send(s, actors::shutdown_atom::value);
}

bool daemon::shutdown_done() const {
  return ctx_->stats.tunnels_active.load() == 0 && (!pppoe_access_ || ctx_->stats.pppoe_sessions.load() == 0);
}

void daemon::stop_io() {
  if (access_ports_) access_ports_->stop();
  if (radius_sockets_) radius_sockets_->stop();
  udp_->stop();
  if (tun_) tun_->stop();
  if (work_) work_.reset();
  io_.stop();
}

bool daemon::shutdown() {
  begin_shutdown();
  auto deadline = std::chrono::steady_clock::now() + ctx_->cfg.l2tp.shutdown_timeout;
  bool clean = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (shutdown_done()) {
      clean = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  // The sessions' Stops are with the accounting actor now: Accounting-Off goes after them.
  if (clean) accounting_off();
  stop_io();
  if (io_thread_.joinable() && io_thread_.get_id() != std::this_thread::get_id()) io_thread_.join();
  clean_shutdown_ = clean;
  return clean;
}

void daemon::async_shutdown() {
  begin_shutdown();
  shutdown_deadline_ = std::chrono::steady_clock::now() + ctx_->cfg.l2tp.shutdown_timeout;
  shutdown_timer_ = std::make_unique<boost::asio::steady_timer>(io_);
  poll_shutdown();
}

void daemon::poll_shutdown() {
  clean_shutdown_ = shutdown_done();
  if (clean_shutdown_) return async_accounting_off([this] { stop_io(); });
  if (std::chrono::steady_clock::now() >= shutdown_deadline_) return stop_io();
  shutdown_timer_->expires_after(std::chrono::milliseconds{20});
  shutdown_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec) poll_shutdown();
  });
}

model::udp_peer daemon::local(std::uint16_t i) const noexcept {
  return udp_->local(i);
}

std::size_t daemon::tunnel_ids_in_use() {
  caf::scoped_actor self{*system_};
  std::size_t total = 0;
  for (auto& s : ctx_->shards) {
    self->request(s, std::chrono::seconds{5}, actors::count_atom::value)
        .receive([&](const model::shard_counts& c) { total += c.tunnel_ids_in_use; }, [&](caf::error&) {});
  }
  return total;
}

}  // namespace bras::app
