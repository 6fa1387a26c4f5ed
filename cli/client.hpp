// bras-cli's side of the wire protocol (cli/wire.hpp): one request per
// connection over brasd's Unix stream socket.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>

namespace bras::cli {

/// brasd's answer, once its body has been handed over.
struct reply {
  bool ok = false;  ///< "ok": the body was for stdout; "error": for stderr
};

/// Why there is no answer.
struct client_error {
  std::string message;       ///< names the socket path and the errno text
  bool interrupted = false;  ///< a signal (Ctrl-C) ended the wait
};

/// Takes the reply's body part by part as it arrives (`ok`: brasd's status line); returns
/// false when it wants no more (the pager was quit), which ends the request early.
using body_handler = std::function<bool(bool ok, std::string_view part)>;

/// Sends one command line and hands the reply's body to `on_body` as it arrives, so a
/// listing of 100,000 sessions is never held whole. A signal (SIGINT while waiting)
/// interrupts the wait and yields an error, so an interactive operator can give up on a
/// slow daemon; so does a daemon silent for two minutes.
[[nodiscard]] std::variant<reply, client_error> request(std::string_view socket_path, std::string_view line,
                                                        const body_handler& on_body);

}  // namespace bras::cli
