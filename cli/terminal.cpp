#include "cli/terminal.hpp"

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>

namespace bras::cli {
namespace {

// Shared with the signal handlers: the settings to put back and the
// descriptor they belong to (-1: nothing to put back).
termios saved_settings{};
volatile std::sig_atomic_t guarded_fd = -1;
volatile std::sig_atomic_t interrupt_pending = 0;

/// Async-signal-safe: tcsetattr is on the POSIX list.
void restore_terminal() {
  const int fd = guarded_fd;
  if (fd < 0) return;
  guarded_fd = -1;
  ::tcsetattr(fd, TCSANOW, &saved_settings);
}

extern "C" void on_fatal_signal(int signal) {
  restore_terminal();
  static const char newline = '\n';
  (void)!::write(STDOUT_FILENO, &newline, 1);  // leave the shell a fresh line
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

extern "C" void on_interrupt(int) {
  interrupt_pending = 1;
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

}  // namespace

void install_signal_handlers() {
  struct sigaction fatal {};
  fatal.sa_handler = on_fatal_signal;
  sigemptyset(&fatal.sa_mask);
  for (int s : {SIGTERM, SIGHUP, SIGQUIT, SIGABRT}) ::sigaction(s, &fatal, nullptr);
  struct sigaction interrupt {};
  interrupt.sa_handler = on_interrupt;
  sigemptyset(&interrupt.sa_mask);
  interrupt.sa_flags = 0;  // no SA_RESTART: a blocking read or poll returns EINTR
  ::sigaction(SIGINT, &interrupt, nullptr);
  std::atexit(restore_terminal);
}

bool take_interrupt() {
  if (interrupt_pending == 0) return false;
  interrupt_pending = 0;
  return true;
}

terminal_size size_of(int fd) {
  winsize w{};
  terminal_size out;
  if (::ioctl(fd, TIOCGWINSZ, &w) == 0 && w.ws_col > 0 && w.ws_row > 0) {
    out.columns = w.ws_col;
    out.rows = w.ws_row;
  }
  return out;
}

std::size_t columns_of(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(c); }));
}

terminal_guard::terminal_guard(int fd, bool make_raw) : made_raw_(make_raw) {
  termios settings{};
  if (::tcgetattr(fd, &settings) != 0) return;
  saved_settings = settings;
  guarded_fd = fd;
  if (!make_raw) return;
  // Output post-processing (OPOST) stays on, so "\n" still starts a line.
  settings.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
  settings.c_cflag |= static_cast<tcflag_t>(CS8);
  settings.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
  settings.c_cc[VMIN] = 1;
  settings.c_cc[VTIME] = 0;
  // TCSANOW, not TCSAFLUSH: keys typed ahead (while a command ran) are kept.
  ::tcsetattr(fd, TCSANOW, &settings);
}

terminal_guard::~terminal_guard() {
  if (made_raw_) {
    restore_terminal();
  } else {
    guarded_fd = -1;
  }
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // the terminal is gone: nothing useful to do
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

int read_key(int fd) {
  for (;;) {
    unsigned char c = 0;
    const ssize_t n = ::read(fd, &c, 1);
    if (n == 1) return c;
    if (n < 0 && errno == EINTR) {
      if (take_interrupt()) return key_interrupt;
      continue;
    }
    return key_eof;
  }
}

}  // namespace bras::cli
