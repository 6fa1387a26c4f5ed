// How bras-cli and brasd talk over the Unix stream socket (config
// `cli.socket`, default below). One request per connection:
//   client -> server: the command line as typed (UTF-8), then '\n';
//                     at most max_request bytes
//   server -> client: "ok\n" or "error\n", then the reply body; the server
//                     closes the connection after the body. The body comes in
//                     parts as it is rendered: a client shows it as it arrives
//                     and may hang up early (the pager's q), which ends it.
// An "error" body is one or more lines for stderr (syntax error, permission
// denied, daemon busy); an "ok" body goes to stdout as it is.
#pragma once

#include <cstddef>
#include <string_view>

namespace bras::cli::wire {

inline constexpr std::string_view default_socket = "/run/brasd/cli.sock";
inline constexpr std::string_view socket_env = "BRAS_CLI_SOCKET";  ///< overrides the default in bras-cli
inline constexpr std::size_t max_request = 4096;
inline constexpr std::string_view status_ok = "ok\n";
inline constexpr std::string_view status_error = "error\n";

}  // namespace bras::cli::wire
