// bras-cli's side of the wire protocol (cli/wire.hpp): one request per
// connection over brasd's Unix stream socket.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace bras::cli {

/// brasd's answer.
struct reply {
  bool ok = false;   ///< "ok": body for stdout; "error": body for stderr
  std::string body;  ///< as sent, possibly empty
};

/// Why there is no answer.
struct client_error {
  std::string message;       ///< names the socket path and the errno text
  bool interrupted = false;  ///< a signal (Ctrl-C) ended the wait
};

/// Sends one command line and reads the whole reply. A signal (SIGINT while
/// waiting) interrupts the wait and yields an error, so an interactive
/// operator can give up on a slow daemon.
[[nodiscard]] std::variant<reply, client_error> request(std::string_view socket_path, std::string_view line);

}  // namespace bras::cli
