// bras-cli's terminal plumbing, shared by the line editor and the pager:
// signal handlers that put the terminal back on every way out, the
// terminal's size, and a guard that marks (or makes) raw mode.
#pragma once

#include <cstddef>
#include <string_view>

namespace bras::cli {

/// Installs the signal handlers of an interactive session: SIGTERM, SIGHUP,
/// SIGQUIT and SIGABRT restore the terminal and then take their default
/// action; SIGINT only sets a flag (see take_interrupt) and interrupts
/// blocking calls, so Ctrl-C while a command runs gives up on it without
/// leaving the CLI. An exit() restores the terminal too.
void install_signal_handlers();

/// Whether SIGINT arrived since the last call (and clears the flag).
[[nodiscard]] bool take_interrupt();

/// The terminal's size; 80 x 24 when it cannot be asked.
struct terminal_size {
  std::size_t columns = 80;
  std::size_t rows = 24;
};
[[nodiscard]] terminal_size size_of(int fd);

/// Display columns of UTF-8 text (continuation bytes take none).
[[nodiscard]] std::size_t columns_of(std::string_view text);

/// While it lives, the terminal on `fd` may be out of its usual settings: a
/// fatal signal or exit() puts back the settings it had when the guard was
/// made. With `make_raw` the guard sets raw mode itself and its destructor
/// puts the settings back (the pager); without, someone else changes and
/// restores them (libedit inside el_gets) and the destructor only disarms.
class terminal_guard {
 public:
  terminal_guard(int fd, bool make_raw);
  terminal_guard(const terminal_guard&) = delete;
  terminal_guard& operator=(const terminal_guard&) = delete;
  ~terminal_guard();

 private:
  bool made_raw_;
};

/// Writes all of `text` to `fd`; false when it gave up (the terminal or pipe is gone).
bool write_all(int fd, std::string_view text);

/// One byte from `fd`; key_interrupt after SIGINT, key_eof when the terminal is gone.
inline constexpr int key_eof = -1;
inline constexpr int key_interrupt = -2;
[[nodiscard]] int read_key(int fd);

}  // namespace bras::cli
