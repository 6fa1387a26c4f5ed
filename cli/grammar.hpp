// The operator command grammar, Junos style: a tree of keywords with one-line
// help, filters that take a value, unique-prefix abbreviations
// ("sh ser l2 sess ext" = "show services l2tp session extensive") and pipes.
// Shared by bras-cli (completion, '?', early syntax errors) and brasd (which
// executes what it parses). Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/command.hpp"

namespace bras::cli {

/// Why a line is not a command, and where (byte offset into the line).
struct parse_error {
  std::string message;  ///< Junos-like: "syntax error at 'x', expecting <command>." / "'s' is ambiguous.\n..."
  std::size_t offset = 0;
};

/// Parses one command line (with its pipes).
[[nodiscard]] std::variant<command, parse_error> parse(std::string_view line);

// ---- completion and '?' (bras-cli) ----

/// One word that may come next, as '?' lists it.
struct completion {
  std::string word;  ///< a keyword; "<session-id>" for a value; "<[Enter]>" when complete; "|" for a pipe
  std::string help;  ///< one line
  /// A keyword Tab may insert (not a <placeholder> and not "|").
  [[nodiscard]] bool insertable() const { return !word.empty() && word.front() != '<' && word != "|"; }
  friend bool operator==(const completion&, const completion&) = default;
};

/// What may come at the cursor, for '?' and Tab.
struct completion_result {
  /// '?': the words that fit at the cursor (those starting with the partial
  /// word, if one is typed), in Junos order: <[Enter]>, the rest sorted, "|".
  std::vector<completion> candidates;
  /// Tab: the new text before the cursor. Keywords typed so far are spelled
  /// out ("sh ser" -> "show services"), and the partial word is completed
  /// with a trailing space when one keyword fits, or extended to the longest
  /// common prefix when several do.
  std::string line;
  /// Tab: nothing could be completed (several keywords fit, or a value is
  /// expected): list `candidates` and redisplay the line.
  bool list = false;
  /// The text before the cursor is already wrong (or the partial word fits
  /// nothing): '?' shows this error instead of candidates; Tab does nothing.
  std::optional<parse_error> error;
};

/// Completes the text before the cursor. With `local_commands`, bras-cli's own
/// commands (help, quit, exit) are offered at the start of a line too.
[[nodiscard]] completion_result complete(std::string_view before_cursor, bool local_commands = false);

/// '?' output, Junos format: "Possible completions:\n" then "  word   help\n" lines.
[[nodiscard]] std::string format_completions(const std::vector<completion>& candidates);

/// An error as Junos prints it under the input line: a caret under the
/// offending column (`indent` = the width of the prompt before the line),
/// then the message; ends with '\n'.
[[nodiscard]] std::string format_error(std::string_view line, const parse_error& e, std::size_t indent = 0);

/// bras-cli's own commands, handled locally and never sent to brasd.
enum class local_command : std::uint8_t { help, quit };

/// `help`, `quit` or `exit` (or a unique abbreviation) alone on the line; nullopt otherwise.
[[nodiscard]] std::optional<local_command> parse_local(std::string_view line);

}  // namespace bras::cli
