#include "cli/pager.hpp"

#include <algorithm>
#include <cstddef>
#include <string>

#include "cli/terminal.hpp"

namespace bras::cli {

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
      terminal_guard raw(in_fd, true);
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
