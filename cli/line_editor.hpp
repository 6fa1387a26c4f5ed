// bras-cli's interactive terminal: a raw-mode line editor (emacs keys,
// history, Tab completion and '?' help from the grammar) and the
// ---(more)--- pager. The terminal is in raw mode only while a line or a
// pager key is read, and is restored on every way out, fatal signals
// included.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/grammar.hpp"

namespace bras::cli {

/// Installs the signal handlers of an interactive session: SIGTERM, SIGHUP
/// and SIGQUIT restore the terminal and then take their default action;
/// SIGINT only sets a flag (see take_interrupt) and interrupts blocking calls,
/// so Ctrl-C while a command runs gives up on it without leaving the CLI.
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

/// Maximum number of history lines kept in memory and in the file.
inline constexpr std::size_t history_limit = 500;

class line_editor {
 public:
  /// Completes the text before the cursor (cli::complete with bras-cli's own commands).
  using completer = std::function<completion_result(std::string_view before_cursor)>;

  /// Edits on `in_fd`/`out_fd` (terminals); the history is loaded from and
  /// saved to `history_path` ("" keeps it in memory only).
  line_editor(int in_fd, int out_fd, std::string history_path, completer complete);

  /// Reads one line after `prompt`. nullopt: end of input (Ctrl-D on an
  /// empty line, or the terminal went away).
  [[nodiscard]] std::optional<std::string> read_line(std::string_view prompt);

  /// Appends a line to the history (not an empty one, not a repeat of the
  /// last) and rewrites the history file; a write failure is reported once
  /// on stderr and otherwise ignored.
  void remember(const std::string& line);

  /// The history, oldest first.
  [[nodiscard]] const std::vector<std::string>& history() const { return history_; }

 private:
  void refresh();
  void write_out(std::string_view text) const;
  void show_below(const std::string& text);  ///< prints under the line, then redraws it
  void insert(std::string_view text);
  void tab();
  void help();
  void history_step(bool older);
  [[nodiscard]] bool inside_quotes() const;
  [[nodiscard]] std::optional<std::string> escape_sequence();
  void load_history();
  void save_history();

  int in_fd_;
  int out_fd_;
  std::string history_path_;
  completer complete_;
  std::vector<std::string> history_;
  bool history_warned_ = false;

  // The line being edited.
  std::string prompt_;
  std::string buffer_;
  std::size_t cursor_ = 0;  ///< byte offset into buffer_, on a UTF-8 character boundary
  std::size_t scroll_ = 0;  ///< first displayed column of buffer_ when it is wider than the terminal
  std::size_t history_index_ = 0;
  std::string scratch_;  ///< the new line while browsing the history
};

/// Writes `text` to `out_fd`, and when it is longer than the terminal stops
/// every screenful at "---(more)---": space shows the next page, Enter one
/// more line, q (or Ctrl-C) stops. Keys are read from `in_fd` in raw mode.
void page(int in_fd, int out_fd, std::string_view text);

}  // namespace bras::cli
