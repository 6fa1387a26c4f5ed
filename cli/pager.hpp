// The ---(more)--- pager of bras-cli's interactive session.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bras::cli {

/// Writes text to `out_fd` as it is fed, and when it is longer than the terminal stops
/// every screenful at "---(more)---": space shows the next page, Enter one more line,
/// q (or Ctrl-C) stops. Keys are read from `in_fd` in raw mode. Text may come in parts
/// that split lines anywhere (a reply as it arrives).
class pager {
 public:
  pager(int in_fd, int out_fd);
  /// Shows `text`; false once the operator has stopped (nothing more is shown).
  bool feed(std::string_view text);
  /// Shows what is left (a last line without a line ending gets one).
  void finish();

 private:
  /// Shows one line (with its '\n', if it has one).
  bool show(std::string_view line, bool terminated);

  int in_fd_, out_fd_;
  std::size_t rows_ = 0, columns_ = 0;
  bool paging_ = true;      ///< the terminal has rows to page by
  bool stopped_ = false;    ///< q was pressed
  bool ends_line_ = true;   ///< without paging: what was written so far ends with '\n'
  std::size_t budget_ = 0;  ///< rows left before the next ---(more)---
  std::string partial_;     ///< a line not yet complete
  std::string pending_;     ///< shown lines not yet written
};

/// Pages all of `text` (a pager fed `text`, then finished).
void page(int in_fd, int out_fd, std::string_view text);

}  // namespace bras::cli
