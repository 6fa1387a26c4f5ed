// Internal to the grammar (grammar.cpp, grammar_tokens.cpp, grammar_walker.cpp):
// the tokenizer, the keyword and value helpers, and the walker that consumes a
// line's words. Not part of the public API (grammar.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/grammar.hpp"
#include "cli/grammar_words.hpp"

namespace bras::cli::detail {

struct token {
  std::string text;                 ///< quotes removed, \" and \\ resolved
  std::string raw;                  ///< as typed (Tab keeps values as typed)
  std::size_t offset = 0, end = 0;  ///< [offset, end) in the line
  bool quoted = false;
  bool pipe = false;        ///< an unquoted '|'
  bool open_quote = false;  ///< the line ended inside quotes (completion only)
};

/// Words separated by blanks; an unquoted '|' is a word of its own, so
/// "summary|count" works; "..." groups blanks and '|' into a word.
std::variant<std::vector<token>, parse_error> tokenize(std::string_view line, bool allow_open_quote);

/// Junos order: <[Enter]> first, then the words sorted, "|" last.
void junos_sort(std::vector<completion>& list);
/// Which of `words` a typed word names: an exact match wins, else every
/// keyword it is a prefix of (one: found; several: ambiguous).
std::vector<std::size_t> fits(std::string_view typed, std::span<const keyword> words);
std::string quote(std::string_view s);
parse_error syntax_error(const token& t, std::string_view expecting);
parse_error ambiguous(const token& t, std::span<const keyword> words, const std::vector<std::size_t>& which);
const option_spec& filter_spec(opt o);
/// The options of one command, in table order.
std::vector<option_spec> options_for(verb v, object o);
std::string_view level_word(opt o);

std::optional<std::uint32_t> parse_ipv4(const std::string& text);
std::optional<std::uint16_t> parse_id16(std::string_view text);
/// Why `pattern` cannot be a `| match` expression, or nullopt if it can.
std::optional<std::string> regex_problem(const std::string& pattern);

/// Consumes the words of a line one by one and knows what may come next.
class walker {
 public:
  explicit walker(bool local_commands) : local_commands_(local_commands) {}

  /// Takes the next word; an error leaves the walker unusable.
  [[nodiscard]] std::optional<parse_error> feed(const token& t);
  /// The line ended at `end`: is the command complete?
  [[nodiscard]] std::optional<parse_error> finish(std::size_t end) const;
  /// Every word acceptable next, unsorted.
  [[nodiscard]] std::vector<completion> expected() const;
  /// Whether the next word is a value (a filter's, or a pattern) rather than a keyword.
  [[nodiscard]] bool expects_value() const { return state_ == state::value || state_ == state::pipe_pattern; }

  [[nodiscard]] const command& result() const { return cmd_; }
  [[nodiscard]] std::optional<local_command> local() const { return local_; }
  /// The words fed so far as Tab spells them: keywords in full, values as typed.
  [[nodiscard]] const std::vector<std::string>& spelled() const { return spelled_; }

 private:
  [[nodiscard]] std::vector<keyword> keywords() const;
  /// The keyword `t` names among those acceptable now (the tables' own text), or why it names none.
  [[nodiscard]] std::variant<std::string_view, parse_error> keyword_of(const token& t) const;
  [[nodiscard]] std::optional<parse_error> feed_keyword(const token& t);
  [[nodiscard]] std::optional<parse_error> feed_option(const token& t);
  [[nodiscard]] std::optional<parse_error> feed_value(const token& t);
  [[nodiscard]] std::optional<parse_error> feed_pipe(const token& t);
  [[nodiscard]] std::optional<std::string> conflict(opt o) const;
  [[nodiscard]] bool complete() const;
  [[nodiscard]] std::string incomplete_message() const;

  bool local_commands_;
  state state_ = state::root;
  command cmd_;
  std::optional<local_command> local_;
  std::array<bool, opt_count> given_{};
  opt pending_filter_ = opt::user;
  pipe_kind pending_pipe_ = pipe_kind::match;
  bool display_given_ = false;
  std::vector<std::string> spelled_;
};

/// `words` separated by single spaces.
std::string join(const std::vector<std::string>& words);

}  // namespace bras::cli::detail
