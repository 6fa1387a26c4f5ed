#include "io/control.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <mutex>
#include <set>
#include <system_error>
#include <vector>

#include "actors/messages.hpp"
#include "cli/grammar.hpp"
#include "cli/render.hpp"
#include "cli/wire.hpp"

namespace bras::io {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

namespace {

/// How long a command may wait for the query actor (it answers within the
/// shards' deadline, so this only bounds a wedged daemon).
constexpr std::chrono::seconds query_timeout{30};

/// Calls a getpw*_r / getgr*_r style function, growing the buffer on ERANGE
/// (a large operator group does not fit the usual 16 KiB).
template <class F>
bool with_buffer(std::vector<char>& buf, F f) {
  buf.resize(16384);
  for (;;) {
    const int rc = f(buf.data(), buf.size());
    if (rc != ERANGE || buf.size() >= (std::size_t{16} << 20)) return rc == 0;
    buf.resize(buf.size() * 4);
  }
}

std::string user_name(unsigned uid) {
  std::vector<char> buf;
  passwd pw{};
  passwd* out = nullptr;
  if (with_buffer(buf, [&](char* b, std::size_t n) { return ::getpwuid_r(uid, &pw, b, n, &out); }) && out) {
    return pw.pw_name;
  }
  return "uid " + std::to_string(uid);
}

operator_policy make_policy(const std::string& group) {
  operator_policy p;
  p.group = group;
  std::vector<char> buf;
  struct group g {};
  struct group* out = nullptr;
  if (!group.empty() &&
      with_buffer(buf, [&](char* b, std::size_t n) { return ::getgrnam_r(group.c_str(), &g, b, n, &out); }) && out) {
    p.group_exists = true;
    p.group_id = g.gr_gid;
  }
  return p;
}

/// How long a client may take to send its command line.
constexpr std::chrono::seconds read_deadline{10};
/// Commands being answered at once; more are refused (each may cost a fan-out over every session).
constexpr std::size_t max_in_flight = 4;
/// How much of a reply is rendered at a time: large enough that a listing of 100,000 sessions
/// costs few writes, small enough that it never exists whole (cli/render.hpp, reply_stream).
constexpr std::size_t reply_part = std::size_t{128} << 10;

/// What a show command needs the fan-out to collect.
model::query_depth depth_for(const cli::command& c) {
  using model::query_depth;
  switch (c.target) {
    case cli::object::session:
    case cli::object::subscribers_summary: return query_depth::sessions;
    case cli::object::tunnel:
      return c.detail == cli::level::detail || c.detail == cli::level::extensive || c.statistics ? query_depth::totals
                                                                                                 : query_depth::tunnels;
    case cli::object::summary: return c.statistics ? query_depth::totals : query_depth::tunnels;
    case cli::object::destination:
      return c.detail == cli::level::extensive || c.statistics ? query_depth::totals : query_depth::tunnels;
    case cli::object::log_level:  // answered without a query
    case cli::object::aaa_statistics:
    case cli::object::aaa_radius_servers:
    case cli::object::aaa_accounting_spool: return query_depth::tunnels;  // answered from the aaa_snapshot
  }
  return query_depth::sessions;
}

}  // namespace

/// Lets CAF threads hand results back to the control thread, and stops them
/// doing so once the server is gone.
struct control_server::mailbox {
  std::mutex mutex;
  asio::io_context* io = nullptr;
  template <class F>
  void post(F&& f) {
    std::lock_guard lock{mutex};
    if (io != nullptr) asio::post(*io, std::forward<F>(f));
  }
};

bool caller_allowed(const operator_policy& policy, unsigned uid, unsigned gid, std::string& why) {
  if (uid == 0 || uid == ::geteuid()) return true;
  const auto name = user_name(uid);
  if (policy.group_exists) {
    if (gid == policy.group_id) return true;
    std::vector<char> buf;
    passwd pw{};
    passwd* out = nullptr;
    if (with_buffer(buf, [&](char* b, std::size_t n) { return ::getpwuid_r(uid, &pw, b, n, &out); }) && out) {
      int count = 64;
      std::vector<gid_t> groups(static_cast<std::size_t>(count));
      if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count) == -1 && count > 64) {
        groups.resize(static_cast<std::size_t>(count));
        ::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count);
      }
      groups.resize(static_cast<std::size_t>(std::max(count, 0)));
      if (std::find(groups.begin(), groups.end(), policy.group_id) != groups.end()) return true;
    }
    why = "error: permission denied: user " + name + " is not in the operator group '" + policy.group + "'\n";
  } else {
    why = "error: permission denied: user " + name + " is not root, and the operator group '" + policy.group +
          "' does not exist on this system\n";
  }
  return false;
}

class control_server::connection : public std::enable_shared_from_this<connection> {
 public:
  connection(control_server& server, stream::socket socket, std::shared_ptr<mailbox> box)
      : server_(server),
        socket_(std::move(socket)),
        box_(std::move(box)),
        buffer_(cli::wire::max_request),
        deadline_(server.io_) {}

  void start() {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
      return reply(false, "error: cannot identify the caller\n");
    }
    // The refusal comes after the command line is read: a client still
    // writing it would otherwise hit a closed socket (EPIPE) instead of
    // getting the reason.
    cred_ = cred;
    user_ = user_name(cred.uid);
    auto self = shared_from_this();
    deadline_.expires_after(read_deadline);
    deadline_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->close();  // no command line in time: a stuck or idle client
    });
    asio::async_read_until(socket_, buffer_, '\n', [self](const boost::system::error_code& ec, std::size_t n) {
      self->deadline_.cancel();
      if (ec) {
        if (ec == asio::error::not_found) return self->reply(false, "error: command too long\n");
        return self->close();  // the client went away (or sent no newline): nothing to answer
      }
      std::string why;
      if (!caller_allowed(self->server_.policy_, self->cred_.uid, self->cred_.gid, why)) {
        self->server_.log_->warn("cli-refused uid={} gid={} pid={}", self->cred_.uid, self->cred_.gid, self->cred_.pid);
        return self->reply(false, why);
      }
      std::string line(asio::buffers_begin(self->buffer_.data()), asio::buffers_begin(self->buffer_.data()) + n);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      self->execute(line);
    });
  }

  /// Called on the control thread with what the query actor answered.
  void answered(model::query_snapshot& snapshot) {
    cli::render_options o;
    o.session_layout = server_.cfg_.cli.session_layout == "m-series" ? cli::layout::m_series : cli::layout::mx;
    o.junos_release = BRAS_VERSION;
    send(true, cli::render_stream(command_, std::move(snapshot), o));
  }
  void answered_aaa(model::aaa_snapshot& snapshot) {
    cli::render_options o;
    o.junos_release = BRAS_VERSION;
    reply(true, cli::render(command_, snapshot, o));
  }
  void cleared(model::clear_report& report) {
    reply(true, cli::apply_pipes(cli::render_clear(command_, report), command_.pipes));
  }

  void reply(bool ok, std::string body) { send(ok, cli::text_stream(std::move(body))); }

  /// Writes the status line and the body, part by part: a part is rendered only once the
  /// socket has taken the one before, so a listing of 100,000 sessions never exists whole,
  /// other connections are served between parts, and a client that hangs up (a pager quit
  /// early) stops the rendering.
  void send(bool ok, std::unique_ptr<cli::reply_stream> body) {
    if (in_flight_) {
      --server_.in_flight_;
      in_flight_ = false;
    }
    body_ = std::move(body);
    out_.assign(ok ? cli::wire::status_ok : cli::wire::status_error);
    write_part();
  }

  void write_part() {
    try {
      (void)body_->next(out_, reply_part);
    } catch (const std::exception& e) {
      // Unreachable for render_stream (it ends the reply with the error line itself).
      server_.log_->error("cli-render-failed user={} reason=\"{}\"", user_, e.what());
      return close();
    }
    if (out_.empty()) return close();  // the whole reply is out
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_), [self](const boost::system::error_code& ec, std::size_t) {
      if (ec) return self->close();  // the client went away
      self->out_.clear();
      self->write_part();
    });
  }

  void close() {
    if (in_flight_) {
      --server_.in_flight_;
      in_flight_ = false;
    }
    boost::system::error_code ignored;
    deadline_.cancel();
    socket_.shutdown(stream::socket::shutdown_both, ignored);
    socket_.close(ignored);
    server_.connections_.erase(shared_from_this());
  }

 private:
  void execute(const std::string& line) {
    auto parsed = cli::parse(line);
    if (auto* e = std::get_if<cli::parse_error>(&parsed)) {
      return reply(false, "error: " + e->message + "\n");
    }
    command_ = std::get<cli::command>(parsed);
    if (server_.in_flight_ >= max_in_flight) {
      server_.log_->warn("cli-busy user={} command=\"{}\"", user_, line);
      return reply(false, "error: brasd is busy answering other commands; try again\n");
    }
    server_.log_->info("cli-command user={} command=\"{}\"", user_, line);
    if (command_.target == cli::object::log_level) return reply(true, cli::apply_pipes(log_levels(), command_.pipes));
    ++server_.in_flight_;
    in_flight_ = true;
    std::weak_ptr<connection> weak = shared_from_this();
    auto box = box_;
    auto query = server_.query_;
    if (cli::is_aaa(command_.target)) {
      // show network-access aaa ...: the query actor gathers the RADIUS actors' parts (aaa_snapshot).
      server_.system_.spawn(
          [weak, box, query](caf::event_based_actor* self, actors::aaa_stats_atom ask) {
            give_up_with(self, query);
            self->request(query, query_timeout, ask)
                .then(
                    [weak, box](model::aaa_snapshot& s) {
                      box->post([weak, s = std::move(s)]() mutable {
                        if (auto c = weak.lock()) c->answered_aaa(s);
                      });
                    },
                    [weak, box](caf::error&) {
                      box->post([weak] {
                        if (auto c = weak.lock()) c->reply(false, "error: the daemon did not answer in time\n");
                      });
                    });
          },
          actors::aaa_stats_atom::value);
      return;
    }
    if (command_.what == cli::verb::show) {
      model::query_request req{command_.filter, depth_for(command_)};
      // The request is a spawn argument, not a capture: CAF 0.17 dereferences
      // a null argument tuple for function actors spawned with none (UBSan).
      server_.system_.spawn(
          [weak, box, query](caf::event_based_actor* self, const model::query_request& q) {
            give_up_with(self, query);
            self->request(query, query_timeout, actors::query_atom::value, q)
                .then(
                    [weak, box](model::query_snapshot& s) {
                      box->post([weak, s = std::move(s)]() mutable {
                        if (auto c = weak.lock()) c->answered(s);
                      });
                    },
                    [weak, box](caf::error&) {
                      box->post([weak] {
                        if (auto c = weak.lock()) c->reply(false, "error: the daemon did not answer in time\n");
                      });
                    });
          },
          req);
      return;
    }
    model::clear_request req;
    req.filter = command_.filter;
    req.tunnels = command_.target == cli::object::tunnel;
    req.statistics = command_.statistics;
    server_.system_.spawn(
        [weak, box, query](caf::event_based_actor* self, const model::clear_request& request) {
          give_up_with(self, query);
          self->request(query, query_timeout, actors::clear_atom::value, request)
              .then(
                  [weak, box](model::clear_report& r) {
                    box->post([weak, r = std::move(r)]() mutable {
                      if (auto c = weak.lock()) c->cleared(r);
                    });
                  },
                  [weak, box](caf::error&) {
                    box->post([weak] {
                      if (auto c = weak.lock()) c->reply(false, "error: the daemon did not answer in time\n");
                    });
                  });
        },
        req);
  }

  /// set log level (applied at once; spdlog levels are atomic) or show log level.
  std::string log_levels() {
    std::string out;
    if (command_.what == cli::verb::set) {
      for (const auto& [component, level] : command_.log_levels) {
        const auto spd = spdlog::level::from_str(level == "warning" ? "warn" : level);
        for (const auto& name : config::log_components) {
          if (component != "all" && component != name) continue;
          if (auto logger = spdlog::get(name)) logger->set_level(spd);
          out += "Log level of " + name + " set to " + level + "\n";
        }
      }
      server_.log_->warn("cli-log-level-set user={} levels=\"{}\"", user_,
                         out.empty() ? "" : out.substr(0, out.size() - 1));
      return out;
    }
    std::vector<std::pair<std::string, std::string>> levels;
    for (const auto& name : config::log_components) {
      auto logger = spdlog::get(name);
      auto sv = logger ? spdlog::level::to_string_view(logger->level()) : spdlog::string_view_t{"none"};
      std::string level{sv.data(), sv.size()};
      levels.emplace_back(name, level == "warn" ? "warning" : level);
    }
    return cli::render_log_levels(levels);
  }

  /// The asking actor ends with the query actor (daemon shutdown) instead
  /// of waiting out its timeout: CAF 0.17 does not fail pending requests.
  static void give_up_with(caf::event_based_actor* self, const actors::query_actor& query) {
    self->monitor(query);
    self->set_down_handler([](caf::scheduled_actor* s, caf::down_msg&) { s->quit(); });
  }

  control_server& server_;
  stream::socket socket_;
  std::shared_ptr<mailbox> box_;
  asio::streambuf buffer_;
  asio::steady_timer deadline_;
  ucred cred_{};
  bool in_flight_ = false;
  std::string user_;
  cli::command command_;
  std::unique_ptr<cli::reply_stream> body_;  ///< the reply's parts not yet written
  std::string out_;                          ///< the part being written (its buffer is reused)
};

namespace {

/// Binds `path`, replacing a stale socket file but never a live one.
stream::acceptor bind_socket(asio::io_context& io, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto dir = fs::path{path}.parent_path();
  if (!dir.empty() && !fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) throw std::system_error(ec, "cannot create the directory of cli.socket " + path);
    ::chmod(dir.c_str(), 0755);
  }
  if (fs::is_socket(path, ec)) {
    stream::socket probe{io};
    boost::system::error_code connect_error;
    probe.connect(stream::endpoint{path}, connect_error);
    if (!connect_error) {
      throw std::system_error(std::make_error_code(std::errc::address_in_use),
                              "cli.socket " + path + " is served by another running daemon");
    }
    fs::remove(path, ec);
  }
  stream::acceptor acceptor{io};
  boost::system::error_code bind_error;
  acceptor.open(stream{}, bind_error);
  if (!bind_error) acceptor.bind(stream::endpoint{path}, bind_error);
  if (!bind_error) acceptor.listen(asio::socket_base::max_listen_connections, bind_error);
  if (bind_error) {
    throw std::system_error(std::error_code{bind_error.value(), std::system_category()}, "cannot listen on " + path);
  }
  return acceptor;
}

}  // namespace

control_server::control_server(caf::actor_system& sys, actors::query_actor query, const config::settings& cfg,
                               std::shared_ptr<spdlog::logger> log)
    : system_(sys),
      query_(std::move(query)),
      cfg_(cfg),
      log_(std::move(log)),
      path_(cfg.cli.socket),
      policy_(make_policy(cfg.cli.operator_group)),
      acceptor_(bind_socket(io_, path_)),
      accepting_(acceptor_, log_, "cli-accept-failed"),
      box_(std::make_shared<mailbox>()) {
  box_->io = &io_;
  // rw for the owner and the operator group only; root and the group's members get in.
  ::chmod(path_.c_str(), 0660);
  if (policy_.group_exists) {
    if (::chown(path_.c_str(), static_cast<uid_t>(-1), policy_.group_id) != 0) {
      log_->warn("cli-socket-chown-failed path={} group={} errno={}", path_, policy_.group, errno);
    }
  } else {
    log_->warn("cli-operator-group-missing group={} (only root can use bras-cli)", policy_.group);
  }
}

void control_server::start() {
  log_->info("cli-listening path={} group={}", path_, policy_.group);
  accepting_.start([this](stream::socket socket) {
    auto c = std::make_shared<connection>(*this, std::move(socket), box_);
    connections_.insert(c);
    c->start();
  });
  thread_ = serving_thread(io_, log_, "cli-handler-failed");  // e.g. out of memory rendering a huge listing
}

control_server::~control_server() {
  {
    std::lock_guard lock{box_->mutex};
    box_->io = nullptr;  // CAF threads may no longer hand anything over
  }
  asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accepting_.stop();
    connections_.clear();
    io_.stop();
  });
  if (thread_.joinable()) thread_.join();
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

}  // namespace bras::io
