// The operator command grammar: a tokenizer (words, "quoted strings", '|'),
// then one walker that consumes the words and always knows what may come
// next. parse() runs the walker to the end of the line; complete() runs it to
// the cursor and asks it for the next words, so '?', Tab and the syntax errors
// can never disagree.
#include "cli/grammar.hpp"

#include <algorithm>

#include "cli/grammar_walker.hpp"

namespace bras::cli {

using namespace detail;

std::variant<command, parse_error> parse(std::string_view line) {
  auto tokens = tokenize(line, false);
  if (auto* e = std::get_if<parse_error>(&tokens)) return *e;
  walker w(false);
  for (const auto& t : std::get<std::vector<token>>(tokens)) {
    if (auto e = w.feed(t)) return *e;
  }
  if (auto e = w.finish(line.size())) return *e;
  return w.result();
}

completion_result complete(std::string_view before_cursor, bool local_commands) {
  completion_result r;
  auto tokenized = tokenize(before_cursor, true);
  if (auto* e = std::get_if<parse_error>(&tokenized)) {
    r.error = *e;
    return r;
  }
  auto& tokens = std::get<std::vector<token>>(tokenized);
  // The word under the cursor: the last one, unless a blank or '|' ends the text.
  std::optional<token> current;
  if (!tokens.empty() && !tokens.back().pipe && tokens.back().end == before_cursor.size()) {
    current = std::move(tokens.back());
    tokens.pop_back();
  }
  walker w(local_commands);
  for (const auto& t : tokens) {
    if (auto e = w.feed(t)) {
      r.error = *e;
      return r;
    }
  }
  const std::string prefix = join(w.spelled()) + (w.spelled().empty() ? "" : " ");
  auto candidates = w.expected();
  junos_sort(candidates);

  if (!current) {
    r.candidates = candidates;
    r.line = prefix;
    std::vector<const completion*> keywords;
    bool optional = false;  // a keyword is only inserted unasked when nothing else may come
    for (const auto& c : candidates) {
      if (c.insertable()) keywords.push_back(&c);
      optional = optional || !c.insertable();
    }
    if (keywords.size() == 1 && !optional) {
      r.line += keywords.front()->word + " ";
    } else {
      r.list = !candidates.empty();
    }
    return r;
  }
  if (w.expects_value()) {
    r.candidates = candidates;
    r.line = prefix + current->raw;
    r.list = true;
    return r;
  }
  for (const auto& c : candidates) {
    if (c.insertable() && c.word.starts_with(current->text)) r.candidates.push_back(c);
  }
  r.line = prefix + current->raw;
  if (r.candidates.empty()) {
    // Say why, as Enter would: a conflict ("given twice") or a syntax error.
    auto e = w.feed(*current);
    r.error = e ? *e : syntax_error(*current, "<command>");
    return r;
  }
  if (current->quoted) return r;
  if (r.candidates.size() == 1) {
    r.line = prefix + r.candidates.front().word + " ";
    return r;
  }
  std::string common = r.candidates.front().word;
  for (const auto& c : r.candidates) {
    std::size_t n = 0;
    while (n < common.size() && n < c.word.size() && common[n] == c.word[n]) ++n;
    common.resize(n);
  }
  if (common.size() > current->text.size()) {
    r.line = prefix + common;
  } else {
    r.list = true;
  }
  return r;
}

std::string format_completions(const std::vector<completion>& candidates) {
  std::string out = "Possible completions:\n";
  for (const auto& c : candidates) {
    std::string word = "  " + c.word;
    word.resize(std::max<std::size_t>(word.size() + 1, 23), ' ');
    out += word + c.help + "\n";
  }
  return out;
}

std::string format_error(std::string_view line, const parse_error& e, std::size_t indent) {
  std::size_t column = indent;
  for (std::size_t i = 0; i < std::min(e.offset, line.size()); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xc0) != 0x80) ++column;  // UTF-8: count lead bytes only
  }
  return std::string(column, ' ') + "^\n" + e.message + "\n";
}

std::optional<local_command> parse_local(std::string_view line) {
  auto tokens = tokenize(line, false);
  if (std::holds_alternative<parse_error>(tokens)) return std::nullopt;
  walker w(true);
  for (const auto& t : std::get<std::vector<token>>(tokens)) {
    if (w.feed(t)) return std::nullopt;
  }
  return w.local();
}

}  // namespace bras::cli
