#include "cli/pager.hpp"

#include <algorithm>
#include <cstddef>
#include <string>

#include "cli/terminal.hpp"

namespace bras::cli {

namespace {
/// Written in one go when this much is waiting (output longer than the terminal gets
/// written at every ---(more)--- anyway).
constexpr std::size_t write_at = std::size_t{64} << 10;
}  // namespace

pager::pager(int in_fd, int out_fd) : in_fd_(in_fd), out_fd_(out_fd) {
  const terminal_size size = size_of(out_fd);
  rows_ = size.rows;
  columns_ = size.columns;
  paging_ = rows_ >= 3;
  budget_ = paging_ ? rows_ - 1 : 0;  // the last row is for ---(more)---
}

bool pager::feed(std::string_view text) {
  if (stopped_) return false;
  if (!paging_) {
    write_all(out_fd_, text);
    if (!text.empty()) ends_line_ = text.back() == '\n';
    return true;
  }
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    if (newline == std::string_view::npos) {
      partial_ += text;
      break;
    }
    bool shown = true;
    if (partial_.empty()) {
      shown = show(text.substr(0, newline + 1), true);
    } else {
      partial_ += text.substr(0, newline + 1);
      shown = show(partial_, true);
      partial_.clear();
    }
    if (!shown) return false;
    text.remove_prefix(newline + 1);
  }
  if (pending_.size() >= write_at) {
    write_all(out_fd_, pending_);
    pending_.clear();
  }
  return true;
}

void pager::finish() {
  if (!paging_) {
    if (!ends_line_) write_all(out_fd_, "\n");
    return;
  }
  if (!stopped_ && !partial_.empty()) {
    partial_ += '\n';
    (void)show(partial_, true);
    partial_.clear();
  }
  if (!stopped_) write_all(out_fd_, pending_);
  pending_.clear();
}

bool pager::show(std::string_view line, bool terminated) {
  const std::size_t width = columns_of(line.substr(0, line.size() - (terminated ? 1 : 0)));
  const std::size_t rows = std::max<std::size_t>(1, (width + columns_ - 1) / columns_);
  if (rows > budget_) {
    write_all(out_fd_, pending_);
    pending_.clear();
    terminal_guard raw(in_fd_, true);
    write_all(out_fd_, "---(more)---");
    bool stop = false;
    for (bool answered = false; !answered;) {
      const int key = read_key(in_fd_);
      answered = true;
      if (key == ' ') {
        budget_ = rows_ - 1;
      } else if (key == '\r' || key == '\n') {
        budget_ = 1;
      } else if (key == 'q' || key == 'Q' || key == 0x03 || key < 0) {
        stop = true;
      } else {
        answered = false;
      }
    }
    write_all(out_fd_, "\r\x1b[K");
    if (stop) {
      stopped_ = true;
      return false;
    }
    budget_ = std::max(budget_, rows);
  }
  pending_ += line;
  budget_ -= rows;
  return true;
}

void page(int in_fd, int out_fd, std::string_view text) {
  pager p(in_fd, out_fd);
  if (p.feed(text)) p.finish();
}

}  // namespace bras::cli
