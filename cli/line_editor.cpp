// The interactive terminal of bras-cli. One line at a time, redrawn in full
// on every change ("\r", prompt, the visible part of the line, clear to end
// of line, cursor placed): simple, and right on any VT100-compatible terminal.
// A line wider than the terminal scrolls horizontally instead of wrapping, so
// the redraw never has to know how many rows it spans.
#include "cli/line_editor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <utility>

namespace bras::cli {
namespace {

// ---------------------------------------------------------------- raw mode and signals

// Shared with the signal handlers: the saved settings and the descriptor in
// raw mode (-1: none), so a fatal signal can put the terminal back.
termios saved_settings{};
volatile std::sig_atomic_t raw_fd = -1;
volatile std::sig_atomic_t interrupt_pending = 0;

/// Async-signal-safe: tcsetattr is on the POSIX list.
void restore_terminal() {
  const int fd = raw_fd;
  if (fd < 0) return;
  raw_fd = -1;
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

/// Raw mode while the guard lives. Output post-processing (OPOST) stays on,
/// so "\n" still moves to the start of the next line.
class raw_mode {
 public:
  explicit raw_mode(int fd) {
    termios settings{};
    if (::tcgetattr(fd, &settings) != 0) return;
    saved_settings = settings;
    settings.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    settings.c_cflag |= static_cast<tcflag_t>(CS8);
    settings.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
    settings.c_cc[VMIN] = 1;
    settings.c_cc[VTIME] = 0;
    // TCSANOW, not TCSAFLUSH: keys typed ahead (while a command ran) are kept.
    if (::tcsetattr(fd, TCSANOW, &settings) == 0) raw_fd = fd;
  }
  raw_mode(const raw_mode&) = delete;
  raw_mode& operator=(const raw_mode&) = delete;
  ~raw_mode() { restore_terminal(); }
};

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the terminal is gone: nothing useful to do
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

constexpr int key_eof = -1;
constexpr int key_interrupt = -2;
constexpr int key_timeout = -3;

/// One byte from the terminal; waits at most `timeout_ms` when it is >= 0.
int read_key(int fd, int timeout_ms = -1) {
  for (;;) {
    if (timeout_ms >= 0) {
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, timeout_ms);
      if (ready == 0) return key_timeout;
      if (ready < 0 && errno != EINTR) return key_eof;
    }
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

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

/// The byte offset where display column `column` starts.
std::size_t byte_at_column(std::string_view text, std::size_t column) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_continuation(text[i])) continue;
    if (seen++ == column) return i;
  }
  return text.size();
}

void end_with_newline(std::string& text) {
  if (!text.empty() && text.back() != '\n') text += '\n';
}

}  // namespace

void install_signal_handlers() {
  struct sigaction fatal {};
  fatal.sa_handler = on_fatal_signal;
  sigemptyset(&fatal.sa_mask);
  for (int s : {SIGTERM, SIGHUP, SIGQUIT}) ::sigaction(s, &fatal, nullptr);
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

// ---------------------------------------------------------------- the editor

line_editor::line_editor(int in_fd, int out_fd, std::string history_path, completer complete)
    : in_fd_(in_fd), out_fd_(out_fd), history_path_(std::move(history_path)), complete_(std::move(complete)) {
  load_history();
}

void line_editor::write_out(std::string_view text) const {
  write_all(out_fd_, text);
}

std::optional<std::string> line_editor::read_line(std::string_view prompt) {
  raw_mode raw(in_fd_);
  prompt_ = std::string(prompt);
  buffer_.clear();
  scratch_.clear();
  cursor_ = scroll_ = 0;
  history_index_ = history_.size();
  refresh();
  const auto previous_char = [&] {
    std::size_t p = cursor_;
    while (p > 0 && is_continuation(buffer_[--p])) {
    }
    return p;
  };
  const auto next_char = [&] {
    std::size_t p = cursor_ < buffer_.size() ? cursor_ + 1 : cursor_;
    while (p < buffer_.size() && is_continuation(buffer_[p])) ++p;
    return p;
  };
  const auto word_left = [&] {
    std::size_t p = cursor_;
    while (p > 0 && buffer_[p - 1] == ' ') --p;
    while (p > 0 && buffer_[p - 1] != ' ') --p;
    return p;
  };
  const auto word_right = [&] {
    std::size_t p = cursor_;
    while (p < buffer_.size() && buffer_[p] == ' ') ++p;
    while (p < buffer_.size() && buffer_[p] != ' ') ++p;
    return p;
  };
  for (;;) {
    const int key = read_key(in_fd_);
    std::optional<std::string> escape;
    if (key == 0x1b) {
      escape = escape_sequence();
      if (!escape) continue;
    }
    if (key == key_eof) {
      write_out("\n");
      return std::nullopt;
    }
    if (key == key_interrupt || key == 0x03) {  // Ctrl-C (or SIGINT): start over
      buffer_.clear();
      cursor_ = 0;
      history_index_ = history_.size();
      refresh();
      continue;
    }
    if (key == '\r' || key == '\n') {
      cursor_ = buffer_.size();
      refresh();
      write_out("\n");
      return buffer_;
    }
    if (key == 0x04 && buffer_.empty()) {  // Ctrl-D on an empty line: leave
      write_out("\n");
      return std::nullopt;
    }
    if (key == 0x04 || escape == "delete") {
      buffer_.erase(cursor_, next_char() - cursor_);
    } else if (key == 0x7f || key == 0x08) {
      const std::size_t p = previous_char();
      buffer_.erase(p, cursor_ - p);
      cursor_ = p;
    } else if (key == 0x01 || escape == "home") {
      cursor_ = 0;
    } else if (key == 0x05 || escape == "end") {
      cursor_ = buffer_.size();
    } else if (key == 0x02 || escape == "left") {
      cursor_ = previous_char();
    } else if (key == 0x06 || escape == "right") {
      cursor_ = next_char();
    } else if (escape == "word-left") {
      cursor_ = word_left();
    } else if (escape == "word-right") {
      cursor_ = word_right();
    } else if (key == 0x15) {  // Ctrl-U: Junos deletes the whole line
      buffer_.clear();
      cursor_ = 0;
    } else if (key == 0x0b) {  // Ctrl-K: to the end of the line
      buffer_.erase(cursor_);
    } else if (key == 0x17) {  // Ctrl-W: the word before the cursor
      const std::size_t p = word_left();
      buffer_.erase(p, cursor_ - p);
      cursor_ = p;
    } else if (key == 0x10 || escape == "up") {
      history_step(true);
      continue;
    } else if (key == 0x0e || escape == "down") {
      history_step(false);
      continue;
    } else if (key == 0x0c) {  // Ctrl-L
      write_out("\x1b[H\x1b[2J");
    } else if (key == '\t') {
      tab();
      continue;
    } else if (key == '?' && !inside_quotes()) {
      help();
      continue;
    } else if (key == 0x16) {  // Ctrl-V: the next key literally ('?' above all)
      const int next = read_key(in_fd_);
      if (next >= 0x20 && next < 0x7f) insert(std::string(1, static_cast<char>(next)));
    } else if (key >= 0x20 && key < 0x7f) {
      insert(std::string(1, static_cast<char>(key)));
    } else if (key >= 0xc2 && key <= 0xf4) {  // a UTF-8 lead byte: take the whole character
      std::string character(1, static_cast<char>(key));
      const std::size_t length = key >= 0xf0 ? 4 : key >= 0xe0 ? 3 : 2;
      while (character.size() < length) {
        const int more = read_key(in_fd_, 100);
        if (more < 0 || !is_continuation(static_cast<char>(more))) break;
        character += static_cast<char>(more);
      }
      if (character.size() == length) insert(character);
    }
    refresh();
  }
}

std::optional<std::string> line_editor::escape_sequence() {
  // A lone Escape is not followed by anything within a few milliseconds.
  const int first = read_key(in_fd_, 50);
  if (first == 'b') return "word-left";
  if (first == 'f') return "word-right";
  if (first != '[' && first != 'O') return std::nullopt;
  std::string parameters;
  for (int i = 0; i < 8; ++i) {
    const int c = read_key(in_fd_, 50);
    if (c < 0) return std::nullopt;
    if ((c >= '0' && c <= '9') || c == ';') {
      parameters += static_cast<char>(c);
      continue;
    }
    switch (c) {
      case 'A': return "up";
      case 'B': return "down";
      case 'C': return parameters.empty() ? "right" : "word-right";  // Ctrl-Right: ESC [ 1 ; 5 C
      case 'D': return parameters.empty() ? "left" : "word-left";
      case 'H': return "home";
      case 'F': return "end";
      case '~':
        if (parameters == "1" || parameters == "7") return "home";
        if (parameters == "4" || parameters == "8") return "end";
        if (parameters == "3") return "delete";
        return std::nullopt;
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

void line_editor::refresh() {
  const std::size_t width = size_of(out_fd_).columns;
  const std::size_t prompt_columns = columns_of(prompt_);
  // One column stays free so the cursor after the last character never wraps.
  const std::size_t room = prompt_columns + 2 > width ? 1 : width - prompt_columns - 1;
  const std::size_t cursor_column = columns_of(std::string_view(buffer_).substr(0, cursor_));
  const std::size_t total = columns_of(buffer_);
  if (cursor_column < scroll_) scroll_ = cursor_column;
  if (cursor_column > scroll_ + room) scroll_ = cursor_column - room;
  if (total < scroll_ + room) scroll_ = total > room ? total - room : 0;
  const std::size_t from = byte_at_column(buffer_, scroll_);
  const std::size_t to = byte_at_column(buffer_, scroll_ + room);
  std::string out = "\r" + prompt_ + buffer_.substr(from, to - from) + "\x1b[K\r";
  const std::size_t move = prompt_columns + cursor_column - scroll_;
  if (move > 0) out += "\x1b[" + std::to_string(move) + "C";
  write_out(out);
}

void line_editor::show_below(const std::string& text) {
  std::string out = "\n" + text;
  end_with_newline(out);
  write_out(out);
  refresh();
}

void line_editor::insert(std::string_view text) {
  buffer_.insert(cursor_, text);
  cursor_ += text.size();
}

void line_editor::tab() {
  const std::string before = buffer_.substr(0, cursor_);
  const completion_result r = complete_(before);
  if (r.error) {
    write_out("\a");
    return;
  }
  const bool changed = r.line != before;
  if (changed) {
    buffer_ = r.line + buffer_.substr(cursor_);
    cursor_ = r.line.size();
  }
  if (r.list && !r.candidates.empty()) {
    show_below(format_completions(r.candidates));
    return;
  }
  if (!changed) write_out("\a");
  refresh();
}

void line_editor::help() {
  const std::string before = buffer_.substr(0, cursor_);
  const completion_result r = complete_(before);
  if (r.error) {
    show_below(format_error(before, *r.error, columns_of(prompt_)));
  } else {
    show_below(format_completions(r.candidates));
  }
}

bool line_editor::inside_quotes() const {
  bool quoted = false;
  for (std::size_t i = 0; i < cursor_; ++i) {
    if (quoted && buffer_[i] == '\\') {
      ++i;
    } else if (buffer_[i] == '"') {
      quoted = !quoted;
    }
  }
  return quoted;
}

void line_editor::history_step(bool older) {
  if (older ? history_index_ == 0 : history_index_ >= history_.size()) {
    write_out("\a");
    return;
  }
  if (older && history_index_ == history_.size()) scratch_ = buffer_;
  history_index_ = older ? history_index_ - 1 : history_index_ + 1;
  buffer_ = history_index_ == history_.size() ? scratch_ : history_[history_index_];
  cursor_ = buffer_.size();
  refresh();
}

void line_editor::remember(const std::string& line) {
  if (line.find_first_not_of(' ') == std::string::npos) return;
  if (!history_.empty() && history_.back() == line) return;
  history_.push_back(line);
  if (history_.size() > history_limit) {
    history_.erase(history_.begin(), history_.begin() + static_cast<std::ptrdiff_t>(history_.size() - history_limit));
  }
  save_history();
}

void line_editor::load_history() {
  if (history_path_.empty()) return;
  std::ifstream in(history_path_);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) history_.push_back(line);
  }
  if (history_.size() > history_limit) {
    history_.erase(history_.begin(), history_.begin() + static_cast<std::ptrdiff_t>(history_.size() - history_limit));
  }
}

void line_editor::save_history() {
  if (history_path_.empty()) return;
  std::string text;
  for (const auto& line : history_) text += line + "\n";
  // 0600: the history names subscribers.
  const int fd = ::open(history_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0;
  int error = errno;
  if (ok) {
    std::string_view rest = text;
    while (ok && !rest.empty()) {
      const ssize_t n = ::write(fd, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      error = errno;
      if (ok) rest.remove_prefix(static_cast<std::size_t>(n));
    }
    ok = ::close(fd) == 0 && ok;
  }
  if (!ok && !history_warned_) {
    history_warned_ = true;
    std::fprintf(stderr, "bras-cli: cannot write the history file %s: %s (history kept in memory only)\n",
                 history_path_.c_str(), std::strerror(error));
  }
}

// ---------------------------------------------------------------- the pager

void page(int in_fd, int out_fd, std::string_view text) {
  const terminal_size size = size_of(out_fd);
  if (size.rows < 3) {
    write_all(out_fd, text);
    return;
  }
  std::size_t budget = size.rows - 1;  // the last row is for ---(more)---
  std::string pending;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t newline = text.find('\n', at);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    const std::string_view line = text.substr(at, end - at);
    const std::size_t width = columns_of(line.substr(0, line.size() - (newline == std::string_view::npos ? 0 : 1)));
    const std::size_t rows = std::max<std::size_t>(1, (width + size.columns - 1) / size.columns);
    if (rows > budget) {
      write_all(out_fd, pending);
      pending.clear();
      raw_mode raw(in_fd);
      write_all(out_fd, "---(more)---");
      bool stop = false;
      for (bool answered = false; !answered;) {
        const int key = read_key(in_fd);
        answered = true;
        if (key == ' ') {
          budget = size.rows - 1;
        } else if (key == '\r' || key == '\n') {
          budget = 1;
        } else if (key == 'q' || key == 'Q' || key == 0x03 || key < 0) {
          stop = true;
        } else {
          answered = false;
        }
      }
      write_all(out_fd, "\r\x1b[K");
      if (stop) return;
      budget = std::max(budget, rows);
    }
    pending += line;
    budget -= rows;
    at = end;
  }
  write_all(out_fd, pending);
}

}  // namespace bras::cli
