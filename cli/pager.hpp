// The ---(more)--- pager of bras-cli's interactive session.
#pragma once

#include <string_view>

namespace bras::cli {

/// Writes `text` to `out_fd`, and when it is longer than the terminal stops
/// every screenful at "---(more)---": space shows the next page, Enter one
/// more line, q (or Ctrl-C) stops. Keys are read from `in_fd` in raw mode.
void page(int in_fd, int out_fd, std::string_view text);

}  // namespace bras::cli
