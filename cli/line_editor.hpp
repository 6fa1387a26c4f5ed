// bras-cli's interactive line editor: libedit (emacs keys by default,
// ~/.editrc honoured, so `bind -v` gives vi keys) with the grammar's Tab
// completion and '?' help bound in, Ctrl-R history search, and the history
// kept in a plain file of one command per line.
#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/grammar.hpp"

struct editline;  // libedit's EditLine, <histedit.h>
struct history;   // libedit's History

namespace bras::cli {

/// Maximum number of history lines kept in memory and in the file.
inline constexpr std::size_t history_limit = 500;

class line_editor {
 public:
  /// Completes the text before the cursor (cli::complete with bras-cli's own commands).
  using completer = std::function<completion_result(std::string_view before_cursor)>;

  /// Edits on `in`/`out` (terminals); the history is loaded from and saved
  /// to `history_path` ("" keeps it in memory only). Reads ~/.editrc (or
  /// $EDITRC) after setting emacs keys, then binds bras-cli's own keys.
  line_editor(std::FILE* in, std::FILE* out, std::string history_path, completer complete);
  ~line_editor();
  line_editor(const line_editor&) = delete;
  line_editor& operator=(const line_editor&) = delete;

  /// Reads one line after `prompt`. nullopt: end of input (Ctrl-D on an
  /// empty line, or the terminal went away).
  [[nodiscard]] std::optional<std::string> read_line(std::string_view prompt);

  /// Appends a line to the history (not an empty one, not a repeat of the
  /// last) and rewrites the history file; a write failure is reported once
  /// on stderr and otherwise ignored.
  void remember(const std::string& line);

 private:
  // The key bindings libedit calls back (EL_ADDFN), and its character reader.
  static unsigned char on_tab(editline* el, int key);
  static unsigned char on_help(editline* el, int key);
  static unsigned char on_clear_line(editline* el, int key);
  static unsigned char on_delete_word(editline* el, int key);
  static unsigned char on_delete_or_eof(editline* el, int key);
  static char* prompt_of(editline* el);
  static int read_character(editline* el, wchar_t* out);
  static line_editor& of(editline* el);

  void bind_keys();
  void show_below(const std::string& text);  ///< prints under the line (the caller then redisplays it)
  void enter(const std::string& line);       ///< into libedit's history
  void load_history();
  void save_history();

  int in_fd_;
  std::FILE* out_;
  std::string history_path_;
  completer complete_;
  std::vector<std::string> history_;  ///< oldest first: what the file holds
  bool history_warned_ = false;
  std::string prompt_;
  editline* el_ = nullptr;
  struct history* libedit_history_ = nullptr;  // 'struct': <histedit.h> has a function history() too
};

}  // namespace bras::cli
