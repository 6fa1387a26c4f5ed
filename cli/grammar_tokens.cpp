// The grammar's tokenizer and the helpers the walker is built from: keyword
// matching, the errors Junos prints, and value checks (addresses, IDs, regexes).
#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <regex>

#include "cli/grammar_walker.hpp"

namespace bras::cli::detail {

/// Words separated by blanks; an unquoted '|' is a word of its own, so
/// "summary|count" works; "..." groups blanks and '|' into a word.
std::variant<std::vector<token>, parse_error> tokenize(std::string_view line, bool allow_open_quote) {
  std::vector<token> out;
  std::size_t i = 0;
  auto invalid = [](char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == '\x7f'; };
  while (i < line.size()) {
    if (line[i] == ' ' || line[i] == '\t') {
      ++i;
      continue;
    }
    if (invalid(line[i])) return parse_error{"invalid character in the command line.", i};
    token t;
    t.offset = i;
    if (line[i] == '|') {
      t.text = t.raw = "|";
      t.pipe = true;
      t.end = ++i;
      out.push_back(std::move(t));
      continue;
    }
    bool in_quotes = false;
    std::size_t quote_at = 0;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (invalid(c)) return parse_error{"invalid character in the command line.", i};
      if (in_quotes) {
        if (c == '"') {
          in_quotes = false;
        } else if (c == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
          t.text += line[++i];
        } else {
          t.text += c;
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '|') break;
      if (c == '"') {
        in_quotes = t.quoted = true;
        quote_at = i;
        continue;
      }
      t.text += c;  // a backslash outside quotes is literal: regexes need "\."
    }
    if (in_quotes) {
      if (!allow_open_quote) return parse_error{"unterminated quoted string.", quote_at};
      t.open_quote = true;
    }
    t.end = i;
    t.raw = std::string(line.substr(t.offset, t.end - t.offset));
    out.push_back(std::move(t));
  }
  return out;
}

// ---------------------------------------------------------------- keywords

/// Junos order: <[Enter]> first, then the words sorted, "|" last.
void junos_sort(std::vector<completion>& list) {
  auto rank = [](const completion& c) { return c.word == "<[Enter]>" ? 0 : c.word == "|" ? 2 : 1; };
  std::stable_sort(list.begin(), list.end(), [&](const completion& a, const completion& b) {
    return rank(a) != rank(b) ? rank(a) < rank(b) : a.word < b.word;
  });
}

/// Which of `words` a typed word names: an exact match wins, else every
/// keyword it is a prefix of (one: found; several: ambiguous).
std::vector<std::size_t> fits(std::string_view typed, std::span<const keyword> words) {
  std::vector<std::size_t> out;
  if (typed.empty()) return out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i].word == typed) return {i};
    if (words[i].word.starts_with(typed)) out.push_back(i);
  }
  return out;
}

std::string quote(std::string_view s) {
  return "'" + std::string(s) + "'";
}

parse_error syntax_error(const token& t, std::string_view expecting) {
  return {"syntax error at " + quote(t.raw) + ", expecting " + std::string(expecting) + ".", t.offset};
}

parse_error ambiguous(const token& t, std::span<const keyword> words, const std::vector<std::size_t>& which) {
  std::vector<completion> list;
  for (std::size_t i : which) list.push_back({std::string(words[i].word), std::string(words[i].help)});
  junos_sort(list);
  std::string text = format_completions(list);
  text.pop_back();
  return {quote(t.raw) + " is ambiguous.\n" + text, t.offset};
}

const option_spec& filter_spec(opt o) {
  if (is_component(o)) return component_specs[static_cast<std::size_t>(o) - static_cast<std::size_t>(opt::log_all)];
  return filter_specs[static_cast<std::size_t>(o) - static_cast<std::size_t>(opt::interface)];
}

/// The options of one command, in table order.
std::vector<option_spec> options_for(verb v, object o) {
  std::vector<option_spec> out;
  auto levels = [&] {
    out.push_back({opt::brief, {"brief", "Display brief output"}});
    out.push_back({opt::detail, {"detail", "Display detailed output"}});
    out.push_back({opt::extensive, {"extensive", "Display extensive output"}});
  };
  auto add_filters = [&](bool session) {
    for (const auto& f : filter_specs) {
      const bool session_only = f.id == opt::local_session_id || f.id == opt::user;
      if (session || !session_only) out.push_back(f);
    }
  };
  const bool sessions = o == object::session;
  if (v == verb::show) {
    switch (o) {
      case object::session:
      case object::tunnel:
        levels();
        out.push_back(
            {opt::statistics, {"statistics", sessions ? "Display session statistics" : "Display tunnel statistics"}});
        add_filters(sessions);
        break;
      case object::summary: out.push_back({opt::statistics, {"statistics", "Display L2TP statistics"}}); break;
      case object::destination:
        levels();
        out.push_back(filter_spec(opt::local_gateway));
        out.push_back(filter_spec(opt::peer_gateway));
        break;
      case object::subscribers_summary:
      case object::log_level:
      case object::aaa_statistics:
      case object::aaa_radius_servers:
      case object::aaa_accounting_spool: break;
    }
    return out;
  }
  if (v == verb::set) {
    out.assign(component_specs.begin(), component_specs.end());
    return out;
  }
  out.push_back({opt::statistics, {"statistics", sessions ? "Clear session statistics" : "Clear tunnel statistics"}});
  out.push_back({opt::all, {"all", sessions ? "Clear all sessions" : "Clear all tunnels"}});
  add_filters(sessions);
  return out;
}

std::string_view level_word(opt o) {
  return o == opt::brief ? "brief" : o == opt::detail ? "detail" : "extensive";
}

// ---------------------------------------------------------------- values

std::optional<std::uint32_t> parse_ipv4(const std::string& text) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::optional<std::uint16_t> parse_id16(std::string_view text) {
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::uint32_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  if (n < 1 || n > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(n);
}

/// libstdc++ compiles a regex recursively: a deep nesting of groups would
/// exhaust brasd's stack, so it is refused here.
constexpr int max_regex_nesting = 32;
/// POSIX RE_DUP_MAX. libstdc++ builds one state per repetition, and its parser overflows a signed
/// integer on a count of 19 digits (found by fuzz_cli_grammar): counts are checked before it sees them.
constexpr unsigned long max_regex_repeat = 255;
/// The product of every repetition bound in the pattern: nested counts multiply the states the
/// compiler builds ("((a{200}){200}){200}" would be 8 million), so they are capped together.
constexpr unsigned long max_regex_repeat_product = 10000;

namespace {

/// The bound of the brace quantifier at `pattern[at]` ('{'): the larger of its counts ("{m}",
/// "{m,}", "{m,n}"); nullopt when a count has more than three digits or is above RE_DUP_MAX. What
/// is not a quantifier (no digit after the brace) is left to the compiler, as 1.
std::optional<unsigned long> repeat_bound(const std::string& pattern, std::size_t at) {
  unsigned long bound = 1;
  std::size_t i = at + 1;
  for (int part = 0; part < 2 && i < pattern.size(); ++part) {
    std::size_t digits = 0;
    unsigned long n = 0;
    while (i < pattern.size() && pattern[i] >= '0' && pattern[i] <= '9') {
      if (++digits > 3) return std::nullopt;
      n = n * 10 + static_cast<unsigned long>(pattern[i] - '0');
      ++i;
    }
    if (n > max_regex_repeat) return std::nullopt;
    bound = std::max(bound, n);
    if (i >= pattern.size() || pattern[i] != ',') break;
    ++i;
  }
  return bound;
}

}  // namespace

std::optional<std::string> regex_problem(const std::string& pattern) {
  int depth = 0;
  unsigned long product = 1;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;  // an escaped parenthesis or brace is a literal
    } else if (pattern[i] == '[') {
      // A bracket expression: '(' and '{' are literals up to its ']' (which may come first).
      std::size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;
      while (j < pattern.size() && pattern[j] != ']') ++j;
      i = j;
    } else if (pattern[i] == '(' && ++depth > max_regex_nesting) {
      return "groups nested too deeply";
    } else if (pattern[i] == ')') {
      --depth;
    } else if (pattern[i] == '{') {
      const auto bound = repeat_bound(pattern, i);
      if (!bound) return "repetition count above " + std::to_string(max_regex_repeat);
      product *= *bound;
      if (product > max_regex_repeat_product)
        return "repetitions multiply past " + std::to_string(max_regex_repeat_product);
    }
  }
  try {
    std::regex compiled(pattern, std::regex::extended);
    (void)compiled;
  } catch (const std::exception& e) {  // regex_error, or bad_alloc on a huge pattern
    return std::string(e.what());
  }
  return std::nullopt;
}

}  // namespace bras::cli::detail
