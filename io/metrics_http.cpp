#include "io/metrics_http.hpp"

#include <cstddef>
#include <exception>
#include <string_view>
#include <system_error>
#include <utility>

#include "configs/config.hpp"

namespace bras::io {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

/// How large a request head may be.
constexpr std::size_t max_request = 8192;

/// IPv4-ADDRESS:PORT (the configuration checked it; a bad one still fails here, not later).
tcp::endpoint endpoint_of(const std::string& listen) {
  const auto e = config::parse_ipv4_endpoint(listen);
  if (!e) {
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "metrics.listen " + listen + ": expected IPv4-ADDRESS:PORT");
  }
  return tcp::endpoint{asio::ip::address_v4{e->address}, e->port};
}

/// A whole response: status line, headers, and the body unless it answers a HEAD.
std::string response(std::string_view status, std::string_view type, const std::string& body, bool head) {
  std::string r;
  r.reserve((head ? 0 : body.size()) + 160);
  r.append("HTTP/1.1 ").append(status);
  r.append("\r\nContent-Type: ").append(type);
  r.append("\r\nContent-Length: ").append(std::to_string(body.size()));
  r.append("\r\nConnection: close\r\n\r\n");
  if (!head) r.append(body);
  return r;
}

}  // namespace

class metrics_http::connection : public std::enable_shared_from_this<connection> {
 public:
  connection(metrics_http& server, tcp::socket socket)
      : server_(server), socket_(std::move(socket)), buffer_(max_request), deadline_(server.io_) {}

  void start() {
    auto self = shared_from_this();
    arm(server_.limits_.request);
    asio::async_read_until(socket_, buffer_, "\r\n\r\n", [self](const boost::system::error_code& ec, std::size_t n) {
      if (ec) return self->close();  // gone, or a head over max_request: nothing to answer
      const auto begin = asio::buffers_begin(self->buffer_.data());
      self->answer(std::string(begin, begin + static_cast<std::ptrdiff_t>(n)));
    });
  }

  /// Closes the connection unless it is done within `limit` (a stuck, idle or slow client).
  void arm(std::chrono::milliseconds limit) {
    deadline_.expires_after(limit);  // cancels the wait before
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      // (an expiry queued before a re-arm finds the new, later one and leaves it be)
      if (!ec && self->deadline_.expiry() <= asio::steady_timer::clock_type::now()) self->close();
    });
  }

  void close() {
    boost::system::error_code ignored;
    deadline_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    server_.connections_.erase(shared_from_this());
  }

 private:
  /// Answers the request whose head is `head` (request line first), then closes.
  void answer(const std::string& head) {
    const auto line = head.substr(0, head.find("\r\n"));  // METHOD SP TARGET SP VERSION
    const auto space = line.find(' ');
    const auto method = line.substr(0, space);
    std::string target;
    if (space != std::string::npos) target = line.substr(space + 1, line.find(' ', space + 1) - space - 1);
    target = target.substr(0, target.find('?'));
    const bool head_only = method == "HEAD";
    if (method != "GET" && !head_only) {
      out_ = response("405 Method Not Allowed", "text/plain", "only GET and HEAD\n", false);
    } else if (target != "/metrics") {
      out_ = response("404 Not Found", "text/plain", "the metrics are at /metrics\n", head_only);
    } else {
      try {
        out_ = response("200 OK", "text/plain; version=0.0.4; charset=utf-8", server_.render_(), head_only);
      } catch (const std::exception& e) {
        if (server_.log_) server_.log_->error("metrics-render-failed reason=\"{}\"", e.what());
        out_ = response("500 Internal Server Error", "text/plain", "the scrape failed\n", head_only);
      }
    }
    auto self = shared_from_this();
    arm(server_.limits_.response);
    asio::async_write(socket_, asio::buffer(out_), [self](const boost::system::error_code&, std::size_t) {
      self->close();  // written whole, or the client went away
    });
  }

  metrics_http& server_;
  tcp::socket socket_;
  asio::streambuf buffer_;
  asio::steady_timer deadline_;
  std::string out_;  ///< the response being written
};

metrics_http::metrics_http(const std::string& listen, render_fn render, std::shared_ptr<spdlog::logger> log, limits l)
    : render_(std::move(render)),
      log_(std::move(log)),
      limits_(l),
      acceptor_(io_, endpoint_of(listen)),
      accepting_(acceptor_, log_, "metrics-accept-failed"),
      port_(acceptor_.local_endpoint().port()) {}

metrics_http::~metrics_http() {
  asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accepting_.stop();
    connections_.clear();
    io_.stop();
  });
  if (thread_.joinable()) thread_.join();
}

void metrics_http::start() {
  accepting_.start([this](tcp::socket socket) { accepted(std::move(socket)); });
  thread_ = serving_thread(io_, log_, "metrics-handler-failed");
}

void metrics_http::accepted(tcp::socket socket) {
  if (connections_.size() >= limits_.connections) {
    boost::system::error_code ignored;
    socket.close(ignored);  // the scraper tries again at its next interval
    return;
  }
  auto c = std::make_shared<connection>(*this, std::move(socket));
  connections_.insert(c);
  c->start();
}

}  // namespace bras::io
