// bras-cli: the operator's program. One command from the arguments (or -c, or
// SSH_ORIGINAL_COMMAND), an interactive Junos-style session on a terminal,
// or one command per line from a pipe. Every command is parsed here first,
// so a typo costs no round trip and sends nothing; brasd parses it again
// (with the same grammar) and answers per cli/wire.hpp.
//
// As an OpenSSH ForceCommand, sshd runs "bras-cli" with the client's command
// in SSH_ORIGINAL_COMMAND (empty: interactive). As a login shell, sshd runs
// it as "-bras-cli" (argv[0] is not looked at) and "-bras-cli -c COMMAND"
// when the client names a command.
#include <langinfo.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/client.hpp"
#include "cli/grammar.hpp"
#include "cli/line_editor.hpp"
#include "cli/pager.hpp"
#include "cli/terminal.hpp"
#include "cli/wire.hpp"

#ifndef BRAS_VERSION
#define BRAS_VERSION "unknown"
#endif

namespace bras::cli {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_error = 1;        ///< brasd answered "error"
constexpr int exit_syntax = 2;       ///< not a command (nothing sent), or bad options
constexpr int exit_unreachable = 3;  ///< no answer from brasd

constexpr std::string_view usage = R"(usage: bras-cli [-s PATH] [COMMAND...]
       bras-cli [-s PATH] -c "COMMAND"
Runs one operator command on brasd (the words of COMMAND joined with blanks),
or without one: an interactive session on a terminal, else one command per
line from stdin (blank lines and # comments skipped).

  -s, --socket PATH  brasd's CLI socket (default: $BRAS_CLI_SOCKET, else /run/brasd/cli.sock)
  -c COMMAND         run COMMAND (what sshd passes a login shell)
  -h, --help         this text
      --version      the version

As an OpenSSH ForceCommand: without a command and with SSH_ORIGINAL_COMMAND
set, that command is run ("ssh bras show services l2tp summary").
Type "help" or "?" in a session for the commands and keys.

Exit status: 0 done; 1 brasd answered with an error; 2 not a command (nothing
was sent) or a bad option; 3 brasd cannot be reached.
)";

constexpr std::string_view overview =
    R"(Commands (every keyword may be abbreviated to a unique prefix: sh ser l2 ses ext):
  show services l2tp session [brief|detail|extensive] [statistics] [FILTER...]
  show services l2tp tunnel [brief|detail|extensive] [statistics] [FILTER...]
  show services l2tp summary [statistics]
  show services l2tp destination [brief|detail|extensive] [local-gateway A] [peer-gateway A]
  show subscribers summary
  clear services l2tp session [statistics] (all | FILTER...)
  clear services l2tp tunnel [statistics] (all | FILTER...)
FILTER: interface NAME, local-gateway A, local-gateway-name NAME, local-session-id N,
  local-tunnel-id N, peer-gateway A, peer-gateway-name NAME, tunnel-group NAME, user NAME
  (statistics is a view of its own: not with brief, detail or extensive).
Pipes: | match REGEX | except REGEX | count | display json | display xml | no-more
  (quote a REGEX that has blanks or '|': | match "Established|lns-ic").

Keys: ? lists what may come next and Tab completes; Up/Down browse the history
  and Ctrl-R searches it; Ctrl-A/Ctrl-E start/end of line; Ctrl-U/Ctrl-K/Ctrl-W
  delete the line/to its end/the word before; Ctrl-C clears the line; Ctrl-V ?
  types a '?'. The editor is libedit: ~/.editrc is read ("bind -v" for vi keys).
  Long output stops at ---(more)---: space next page, Enter next line, q stop.
  quit, exit or Ctrl-D leaves.
)";

struct options {
  std::string socket;
  std::optional<std::string> command;
};

void print(std::FILE* to, std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), to);
  std::fflush(to);
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

/// How a command's answer is shown.
struct session_view {
  bool interactive = false;        ///< a person at a terminal: page, caret under the prompt's line
  std::size_t prompt_columns = 0;  ///< the caret's indent
};

/// Runs one line; sets `quit` for quit/exit.
int execute(std::string_view typed, const std::string& socket, const session_view& view, bool& quit) {
  const std::string line = trim(typed);
  if (line.empty()) return exit_ok;
  if (auto local = parse_local(line)) {
    if (*local == local_command::quit) quit = true;
    if (*local == local_command::help) print(stdout, overview);
    return exit_ok;
  }
  auto parsed = parse(line);
  if (const auto* e = std::get_if<parse_error>(&parsed)) {
    // Junos shows the caret under the line as typed: after the prompt in a
    // session, under an echo of the line otherwise.
    if (view.interactive) {
      const std::size_t blanks = typed.find_first_not_of(" \t");
      print(stderr, format_error(line, *e, view.prompt_columns + blanks));
    } else {
      print(stderr, line + "\n" + format_error(line, *e, 0));
    }
    return exit_syntax;
  }
  if (line.size() >= wire::max_request) {
    print(stderr, "bras-cli: the command is longer than " + std::to_string(wire::max_request - 1) + " bytes\n");
    return exit_syntax;
  }
  (void)take_interrupt();  // a Ctrl-C from before must not cancel this request
  const auto& pipes = std::get<command>(parsed).pipes;
  const bool no_more =
      std::any_of(pipes.begin(), pipes.end(), [](const pipe& p) { return p.kind == pipe_kind::no_more; });
  // The body is shown as it arrives: an ok body paged at a terminal, else written straight to
  // stdout; an error body to stderr.
  std::optional<pager> paged;
  bool wrote_stdout = false;
  auto answer = request(socket, line, [&](bool ok, std::string_view part) {
    if (!ok) {
      std::fwrite(part.data(), 1, part.size(), stderr);
      return true;
    }
    if (!wrote_stdout) {
      wrote_stdout = true;
      std::fflush(stdout);  // what bras-cli printed before goes first
      if (view.interactive && !no_more && ::isatty(STDOUT_FILENO) == 1) paged.emplace(STDIN_FILENO, STDOUT_FILENO);
    }
    if (paged) return paged->feed(part);
    return write_all(STDOUT_FILENO, part);
  });
  std::fflush(stderr);
  if (const auto* e = std::get_if<client_error>(&answer)) {
    // The terminal echoed ^C without a newline.
    print(stderr, std::string(e->interrupted && view.interactive ? "\n" : "") + "bras-cli: " + e->message + "\n");
    return exit_unreachable;
  }
  if (paged) paged->finish();
  return std::get<reply>(answer).ok ? exit_ok : exit_error;
}

std::string prompt() {
  std::string user;
  if (const passwd* pw = ::getpwuid(::getuid())) user = pw->pw_name;
  if (user.empty()) user = "uid" + std::to_string(::getuid());
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  std::string short_host(host);
  short_host = short_host.substr(0, short_host.find('.'));
  return user + "@" + (short_host.empty() ? "bras" : short_host) + "> ";
}

std::string history_file() {
  const char* home = std::getenv("HOME");
  std::string dir = home != nullptr ? home : "";
  if (dir.empty()) {
    if (const passwd* pw = ::getpwuid(::getuid())) dir = pw->pw_dir;
  }
  return dir.empty() ? "" : dir + "/.bras_cli_history";
}

/// libedit decodes keys in the locale's encoding. UTF-8 when the environment
/// names another or none (a bare ssh session gets the C locale), as the
/// terminal is assumed to be UTF-8.
void use_terminal_encoding() {
  if (std::setlocale(LC_CTYPE, "") != nullptr && std::strcmp(::nl_langinfo(CODESET), "UTF-8") == 0) return;
  if (std::setlocale(LC_CTYPE, "C.UTF-8") == nullptr) std::setlocale(LC_CTYPE, "C");
}

int interactive(const std::string& socket) {
  install_signal_handlers();
  use_terminal_encoding();
  const std::string shown = prompt();
  line_editor editor(stdin, stdout, history_file(), [](std::string_view before) { return complete(before, true); });
  const session_view view{true, columns_of(shown)};
  for (bool quit = false; !quit;) {
    auto line = editor.read_line(shown);
    if (!line) break;
    editor.remember(trim(*line));
    (void)execute(*line, socket, view, quit);
  }
  return exit_ok;
}

/// Commands from a pipe or file, for scripts: the worst exit status wins;
/// once brasd is unreachable the rest is not tried.
int script(const std::string& socket) {
  int status = exit_ok;
  std::string line;
  bool quit = false;
  while (!quit && std::getline(std::cin, line)) {
    const std::string command = trim(line);
    if (command.empty() || command.front() == '#') continue;
    status = std::max(status, execute(command, socket, {}, quit));
    if (status == exit_unreachable) break;
  }
  return status;
}

/// Parses the options; nullopt after printing help, the version or an error (`exit_status` set).
std::optional<options> parse_options(int argc, char** argv, int& exit_status) {
  options o;
  const char* env = std::getenv(std::string(wire::socket_env).c_str());
  o.socket = env != nullptr && *env != '\0' ? env : std::string(wire::default_socket);
  std::vector<std::string> words;
  bool options_done = false;
  // argv[0] is not looked at: a login shell gets "-bras-cli".
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (options_done || arg.empty() || arg.front() != '-') {
      options_done = true;  // the command's words may start with '-' (a pattern): no options after them
      words.emplace_back(arg);
      continue;
    }
    const auto value = [&](std::string_view name) -> std::optional<std::string> {
      if (i + 1 >= argc) {
        print(stderr, "bras-cli: " + std::string(name) + " needs a value\n");
        return std::nullopt;
      }
      return std::string(argv[++i]);
    };
    if (arg == "--") {
      options_done = true;
    } else if (arg == "-h" || arg == "--help") {
      print(stdout, usage);
      exit_status = exit_ok;
      return std::nullopt;
    } else if (arg == "--version") {
      print(stdout, std::string("bras-cli ") + BRAS_VERSION + "\n");
      exit_status = exit_ok;
      return std::nullopt;
    } else if (arg == "-s" || arg == "--socket") {
      auto v = value(arg);
      if (!v) {
        exit_status = exit_syntax;
        return std::nullopt;
      }
      o.socket = *v;
    } else if (arg.starts_with("--socket=")) {
      o.socket = std::string(arg.substr(9));
    } else if (arg == "-c") {
      auto v = value(arg);
      if (!v) {
        exit_status = exit_syntax;
        return std::nullopt;
      }
      o.command = *v;
    } else {
      print(stderr, "bras-cli: unknown option " + std::string(arg) + " (see bras-cli --help)\n");
      exit_status = exit_syntax;
      return std::nullopt;
    }
  }
  if (!o.command && !words.empty()) {
    std::string joined;
    for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
    o.command = joined;
  } else if (o.command && !words.empty()) {
    print(stderr, "bras-cli: -c takes the whole command; extra arguments given\n");
    exit_status = exit_syntax;
    return std::nullopt;
  }
  return o;
}

/// SSH_ORIGINAL_COMMAND, without a leading "bras-cli" (ssh host bras-cli show ...).
std::optional<std::string> ssh_command() {
  const char* env = std::getenv("SSH_ORIGINAL_COMMAND");
  if (env == nullptr) return std::nullopt;
  std::string command = trim(env);
  const auto first = command.substr(0, command.find(' '));
  if (first == "bras-cli" || first.ends_with("/bras-cli")) command = trim(command.substr(first.size()));
  if (command.empty()) return std::nullopt;
  return command;
}

}  // namespace
}  // namespace bras::cli

int main(int argc, char** argv) {
  using namespace bras::cli;
  int status = exit_ok;
  auto o = parse_options(argc, argv, status);
  if (!o) return status;
  if (!o->command) o->command = ssh_command();
  if (o->command) {
    bool quit = false;
    return execute(*o->command, o->socket, {}, quit);
  }
  if (::isatty(STDIN_FILENO) == 1) return interactive(o->socket);
  return script(o->socket);
}
