// libedit does the editing (keys, redisplay, wide lines, history browsing
// and search, vi mode); this file binds the grammar's Tab and '?' into it,
// reads its characters (so Ctrl-C and a window resize reach it), and keeps
// the history file in the plain one-command-per-line format bras-cli has
// always written (libedit's own H_SAVE format encodes blanks as \040).
#include "cli/line_editor.hpp"

#include <fcntl.h>
#include <histedit.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <fstream>
#include <utility>

#include "cli/terminal.hpp"

namespace bras::cli {
namespace {

constexpr wchar_t ctrl_c = 0x03;

/// Set by SIGWINCH while a line is read: libedit must learn the new width.
volatile std::sig_atomic_t resized = 0;

extern "C" void on_resize(int) {
  resized = 1;
}

/// Catches SIGWINCH (without SA_RESTART, so the blocked read returns) while
/// a line is read, and only then: during a request it would cut the wait short.
class resize_watch {
 public:
  resize_watch() {
    struct sigaction action {};
    action.sa_handler = on_resize;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGWINCH, &action, &previous_);
  }
  resize_watch(const resize_watch&) = delete;
  resize_watch& operator=(const resize_watch&) = delete;
  ~resize_watch() { ::sigaction(SIGWINCH, &previous_, nullptr); }

 private:
  struct sigaction previous_ {};
};

/// Whether the cursor is inside a "quoted" word, where '?' is just a character.
bool inside_quotes(std::string_view before_cursor) {
  bool quoted = false;
  for (std::size_t i = 0; i < before_cursor.size(); ++i) {
    if (quoted && before_cursor[i] == '\\') {
      ++i;
    } else if (before_cursor[i] == '"') {
      quoted = !quoted;
    }
  }
  return quoted;
}

/// $EDITRC, else ~/.editrc. libedit's own lookup (el_source with no file)
/// gives up on systems without issetugid(), glibc's among them; like it, a
/// set-ID program reads no file named by the environment.
std::string editrc_path() {
  if (::getuid() != ::geteuid() || ::getgid() != ::getegid()) return "";
  if (const char* file = std::getenv("EDITRC"); file != nullptr && *file != '\0') return file;
  const char* home = std::getenv("HOME");
  return home != nullptr && *home != '\0' ? std::string(home) + "/.editrc" : "";
}

std::string before_cursor(EditLine* el) {
  const LineInfo* line = el_line(el);
  return {line->buffer, static_cast<std::size_t>(line->cursor - line->buffer)};
}

/// Columns libedit takes to show wide characters (a control character as ^X).
std::size_t display_columns(const wchar_t* from, const wchar_t* to) {
  std::size_t columns = 0;
  for (; from < to; ++from) {
    const int width = ::wcwidth(*from);
    columns += width >= 0 ? static_cast<std::size_t>(width) : 2;
  }
  return columns;
}

void trim_to_limit(std::vector<std::string>& lines) {
  if (lines.size() > history_limit) {
    lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(lines.size() - history_limit));
  }
}

}  // namespace

line_editor::line_editor(std::FILE* in, std::FILE* out, std::string history_path, completer complete)
    : in_fd_(::fileno(in)), out_(out), history_path_(std::move(history_path)), complete_(std::move(complete)) {
  el_ = el_init("bras-cli", in, out, stderr);
  libedit_history_ = history_init();
  HistEvent event{};
  ::history(libedit_history_, &event, H_SETSIZE, static_cast<int>(history_limit));
  load_history();
  el_set(el_, EL_CLIENTDATA, this);
  el_set(el_, EL_PROMPT, &line_editor::prompt_of);
  el_set(el_, EL_GETCFN, &line_editor::read_character);
  el_set(el_, EL_HIST, &::history, libedit_history_);
  el_set(el_, EL_EDITOR, "emacs");
  // Ctrl-C is a key while a line is edited (it clears the line), not SIGINT.
  el_set(el_, EL_SETTY, "-d", "-isig", nullptr);
  // el_wset: the narrow el_set copies a function's name and help, and el_end
  // never frees the copies (LeakSanitizer counts them); these are static.
  el_wset(el_, EL_ADDFN, L"bras-complete", L"Complete the word (bras-cli grammar)", &line_editor::on_tab);
  el_wset(el_, EL_ADDFN, L"bras-help", L"List what may come next (bras-cli grammar)", &line_editor::on_help);
  el_wset(el_, EL_ADDFN, L"bras-clear-line", L"Clear the line", &line_editor::on_clear_line);
  el_wset(el_, EL_ADDFN, L"bras-delete-word", L"Delete the blank-separated word before the cursor",
          &line_editor::on_delete_word);
  el_wset(el_, EL_ADDFN, L"bras-delete-or-eof", L"Delete the next character; leave on an empty line",
          &line_editor::on_delete_or_eof);
  // The user's ~/.editrc ("bind -v" for vi keys) first, so that the keys
  // bras-cli needs are bound in whichever key map it chose.
  if (const std::string editrc = editrc_path(); !editrc.empty()) el_source(el_, editrc.c_str());
  bind_keys();
}

line_editor::~line_editor() {
  el_end(el_);  // puts the terminal back as el_init found it
  history_end(libedit_history_);
}

void line_editor::bind_keys() {
  const auto bind = [this](const char* key, const char* function) { el_set(el_, EL_BIND, key, function, nullptr); };
  bind("^I", "bras-complete");
  bind("?", "bras-help");
  bind("^C", "bras-clear-line");
  el_set(el_, EL_BIND, "-a", "^C", "bras-clear-line", nullptr);  // vi command mode too
  bind("^W", "bras-delete-word");
  bind("^D", "bras-delete-or-eof");
  bind("^R", "em-inc-search-prev");
  const char* editor = nullptr;
  // Not in vi mode: there Escape alone must leave insert mode at once, not
  // wait for the rest of a sequence.
  if (el_get(el_, EL_EDITOR, &editor) == 0 && editor != nullptr && std::strcmp(editor, "emacs") == 0) {
    bind("\\e[1;5D", "ed-prev-word");  // Ctrl-Left
    bind("\\e[1;5C", "em-next-word");  // Ctrl-Right
  }
}

line_editor& line_editor::of(EditLine* el) {
  void* self = nullptr;
  el_get(el, EL_CLIENTDATA, &self);
  return *static_cast<line_editor*>(self);
}

char* line_editor::prompt_of(EditLine* el) {
  return of(el).prompt_.data();
}

std::optional<std::string> line_editor::read_line(std::string_view prompt) {
  prompt_ = std::string(prompt);
  const terminal_guard guard(in_fd_, false);  // libedit sets the modes; a fatal signal puts them back
  const resize_watch watch;
  resized = 0;
  el_resize(el_);  // the window may have changed while a command ran
  int count = 0;
  const char* line = el_gets(el_, &count);
  if (line == nullptr || count <= 0) {
    std::fputs("\n", out_);
    std::fflush(out_);
    return std::nullopt;
  }
  std::string typed(line, static_cast<std::size_t>(count));
  if (!typed.empty() && typed.back() == '\n') typed.pop_back();
  return typed;
}

int line_editor::read_character(EditLine* el, wchar_t* out) {
  const int fd = of(el).in_fd_;
  std::mbstate_t state{};
  for (;;) {
    if (resized != 0) {
      resized = 0;
      el_resize(el);
      el_set(el, EL_REFRESH);
    }
    char byte = 0;
    const ssize_t n = ::read(fd, &byte, 1);
    if (n < 0 && errno == EINTR) {
      if (!take_interrupt()) continue;
      *out = ctrl_c;  // SIGINT from elsewhere: as if Ctrl-C were typed
      return 1;
    }
    if (n <= 0) return n == 0 ? 0 : -1;  // the terminal is gone
    wchar_t character = 0;
    const std::size_t used = std::mbrtowc(&character, &byte, 1, &state);
    if (used == static_cast<std::size_t>(-2)) continue;  // more bytes of the character to come
    if (used == static_cast<std::size_t>(-1)) {          // not a character: dropped
      state = {};
      continue;
    }
    *out = character;
    return 1;
  }
}

unsigned char line_editor::on_tab(EditLine* el, int) {
  line_editor& self = of(el);
  const std::string before = before_cursor(el);
  const completion_result r = self.complete_(before);
  if (r.error) return CC_ERROR;
  const bool changed = r.line != before;
  if (changed) {
    el_deletestr(el, static_cast<int>(columns_of(before)));  // counts characters, not bytes
    if (el_insertstr(el, r.line.c_str()) != 0) return CC_ERROR;
  }
  if (r.list && !r.candidates.empty()) {
    self.show_below(format_completions(r.candidates));
    return CC_REDISPLAY;
  }
  return changed ? CC_REFRESH : CC_ERROR;  // CC_ERROR beeps
}

unsigned char line_editor::on_help(EditLine* el, int) {
  line_editor& self = of(el);
  const std::string before = before_cursor(el);
  if (inside_quotes(before)) return el_insertstr(el, "?") == 0 ? CC_REFRESH : CC_ERROR;
  const completion_result r = self.complete_(before);
  self.show_below(r.error ? format_error(before, *r.error, columns_of(self.prompt_))
                          : format_completions(r.candidates));
  return CC_REDISPLAY;
}

unsigned char line_editor::on_clear_line(EditLine* el, int) {
  const LineInfoW* line = el_wline(el);
  const auto length = static_cast<int>(line->lastchar - line->buffer);
  el_cursor(el, length);  // to the end (el_cursor stops there), then delete it all
  el_deletestr(el, length);
  return CC_REFRESH;
}

unsigned char line_editor::on_delete_word(EditLine* el, int) {
  const LineInfoW* line = el_wline(el);
  const wchar_t* from = line->cursor;
  while (from > line->buffer && from[-1] == L' ') --from;
  while (from > line->buffer && from[-1] != L' ') --from;
  el_deletestr(el, static_cast<int>(line->cursor - from));
  return CC_REFRESH;
}

unsigned char line_editor::on_delete_or_eof(EditLine* el, int) {
  const LineInfoW* line = el_wline(el);
  if (line->lastchar == line->buffer) return CC_EOF;
  if (line->cursor == line->lastchar) return CC_NORM;
  el_cursor(el, 1);
  el_deletestr(el, 1);
  return CC_REFRESH;
}

void line_editor::show_below(const std::string& text) {
  // A line wider than the terminal wraps onto more rows: print below the
  // last of them, not below the cursor's, or the text covers the line.
  const LineInfoW* line = el_wline(el_);
  const std::size_t width = size_of(::fileno(out_)).columns;
  const std::size_t prompt_columns = columns_of(prompt_);
  const std::size_t cursor_row = (prompt_columns + display_columns(line->buffer, line->cursor)) / width;
  const std::size_t last_row = (prompt_columns + display_columns(line->buffer, line->lastchar)) / width;
  std::string out;
  if (last_row > cursor_row) out = "\x1b[" + std::to_string(last_row - cursor_row) + "B";  // cursor down
  out += "\n" + text;
  if (out.back() != '\n') out += '\n';
  std::fputs(out.c_str(), out_);
  std::fflush(out_);
}

// ---------------------------------------------------------------- history

void line_editor::enter(const std::string& line) {
  HistEvent event{};
  ::history(libedit_history_, &event, H_ENTER, line.c_str());
}

void line_editor::remember(const std::string& line) {
  if (line.find_first_not_of(' ') == std::string::npos) return;
  if (!history_.empty() && history_.back() == line) return;
  history_.push_back(line);
  trim_to_limit(history_);
  enter(line);
  save_history();
}

void line_editor::load_history() {
  if (history_path_.empty()) return;
  std::ifstream in(history_path_);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) history_.push_back(line);
  }
  trim_to_limit(history_);
  for (const auto& kept : history_) enter(kept);
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

}  // namespace bras::cli
