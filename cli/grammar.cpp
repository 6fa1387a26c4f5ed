// The operator command grammar: a tokenizer (words, "quoted strings", '|'),
// then one walker that consumes the words and always knows what may come
// next. parse() runs the walker to the end of the line; complete() runs it to
// the cursor and asks it for the next words, so '?', Tab and the syntax errors
// can never disagree.
#include "cli/grammar.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <exception>
#include <regex>
#include <span>
#include <utility>

#include "cli/grammar_words.hpp"

namespace bras::cli {
namespace {

using namespace detail;

// ---------------------------------------------------------------- tokens

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
      case object::log_level: break;
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

std::optional<std::string> regex_problem(const std::string& pattern) {
  int depth = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;  // an escaped parenthesis is a literal
    } else if (pattern[i] == '(' && ++depth > max_regex_nesting) {
      return "groups nested too deeply";
    } else if (pattern[i] == ')') {
      --depth;
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

// ---------------------------------------------------------------- the walker

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

std::vector<keyword> walker::keywords() const {
  std::vector<keyword> out;
  for (const auto& s : steps) {
    if (s.from == state_) out.push_back(s.key);
  }
  if (state_ == state::root && local_commands_) out.insert(out.end(), local_words.begin(), local_words.end());
  if (state_ == state::pipe) out.assign(pipe_words.begin(), pipe_words.end());
  if (state_ == state::pipe_display) out.assign(display_words.begin(), display_words.end());
  return out;
}

std::optional<parse_error> walker::feed(const token& t) {
  if (in_command_tree(state_)) return feed_keyword(t);
  switch (state_) {
    case state::options: return feed_option(t);
    case state::value: return feed_value(t);
    case state::pipe:
    case state::pipe_display:
    case state::pipe_pattern:
    case state::pipe_end: return feed_pipe(t);
    case state::local_done: return syntax_error(t, "end of line");
    default: break;  // the command tree, above
  }
  return syntax_error(t, "<command>");
}

std::optional<parse_error> walker::feed_keyword(const token& t) {
  const auto words = keywords();
  if (t.pipe) return syntax_error(t, "<command>");
  const auto which = fits(t.text, words);
  if (which.empty()) return syntax_error(t, "<command>");
  if (which.size() > 1) return ambiguous(t, words, which);
  const std::string_view word = words[which.front()].word;
  spelled_.emplace_back(word);
  if (state_ == state::root && (word == "help" || word == "quit" || word == "exit")) {
    local_ = word == "help" ? local_command::help : local_command::quit;
    state_ = state::local_done;
    return std::nullopt;
  }
  for (const auto& s : steps) {
    if (s.from != state_ || s.key.word != word) continue;
    if (s.sets_verb) cmd_.what = *s.sets_verb;
    if (s.sets_object) cmd_.target = *s.sets_object;
    state_ = s.to;
    break;
  }
  return std::nullopt;
}

std::optional<std::string> walker::conflict(opt o) const {
  const auto given = [&](opt x) { return given_[static_cast<std::size_t>(x)]; };
  std::optional<opt> level_given;
  bool filter_given = false;
  std::optional<opt> first_filter;
  for (std::size_t i = 0; i < opt_count; ++i) {
    const auto x = static_cast<opt>(i);
    if (!given_[i]) continue;
    if (is_level(x)) level_given = x;
    if (is_filter(x) && !first_filter) first_filter = x;
    filter_given = filter_given || is_filter(x);
  }
  const auto name = [&](opt x) {
    if (is_level(x)) return std::string(level_word(x));
    if (x == opt::statistics) return std::string("statistics");
    if (x == opt::all) return std::string("all");
    return std::string(filter_spec(x).key.word);  // a filter or a logger
  };
  if (given(o)) return quote(name(o)) + " is given twice.";
  const bool show = cmd_.what == verb::show;
  if (is_level(o) && level_given) return quote(name(o)) + " cannot be combined with " + quote(name(*level_given)) + ".";
  if (is_level(o) && given(opt::statistics) && show) {
    return quote(name(o)) + " cannot be combined with 'statistics' (statistics is a view of its own).";
  }
  if (o == opt::statistics && show && level_given) {
    return "'statistics' cannot be combined with " + quote(name(*level_given)) +
           " (statistics is a view of its own; leave out brief, detail and extensive).";
  }
  if (o == opt::statistics && !show && std::find(given_.begin(), given_.end(), true) != given_.end()) {
    return std::string("'statistics' must come right after ") +
           (cmd_.target == object::session ? "'session'" : "'tunnel'") + ".";
  }
  if (o == opt::all && filter_given) return "'all' cannot be combined with filters (" + name(*first_filter) + ").";
  if (is_filter(o) && given(opt::all)) return quote(name(o)) + " cannot be combined with 'all'.";
  return std::nullopt;
}

bool walker::complete() const {
  if (cmd_.what == verb::show) return true;
  if (cmd_.what == verb::set) return !cmd_.log_levels.empty();
  return cmd_.all || std::any_of(given_.begin() + static_cast<std::ptrdiff_t>(opt::interface), given_.end(),
                                 [](bool b) { return b; });
}

std::string walker::incomplete_message() const {
  if (cmd_.what == verb::set) return "syntax error, expecting a logger (all, aaa, cli, io, l2tp, ppp) and a level.";
  std::string filters;
  for (const auto& o : options_for(cmd_.what, cmd_.target)) {
    if (is_filter(o.id)) filters += (filters.empty() ? "" : ", ") + std::string(o.key.word);
  }
  return "syntax error, expecting 'all' or a filter (" + filters + ").";
}

std::optional<parse_error> walker::feed_option(const token& t) {
  if (t.pipe) {
    if (!complete()) return parse_error{incomplete_message(), t.offset};
    spelled_.emplace_back("|");
    state_ = state::pipe;
    return std::nullopt;
  }
  const auto specs = options_for(cmd_.what, cmd_.target);
  std::vector<keyword> available, all;
  std::vector<opt> available_ids;
  for (const auto& s : specs) {
    all.push_back(s.key);
    if (!conflict(s.id)) {
      available.push_back(s.key);
      available_ids.push_back(s.id);
    }
  }
  if (auto which = fits(t.text, available); !which.empty()) {
    if (which.size() > 1) return ambiguous(t, available, which);
    const opt o = available_ids[which.front()];
    given_[static_cast<std::size_t>(o)] = true;
    spelled_.emplace_back(available[which.front()].word);
    if (is_level(o)) cmd_.detail = o == opt::brief ? level::brief : o == opt::detail ? level::detail : level::extensive;
    if (o == opt::statistics) cmd_.statistics = true;
    if (o == opt::all) cmd_.all = true;
    if (is_filter(o) || is_component(o)) {
      pending_filter_ = o;
      state_ = state::value;
    }
    return std::nullopt;
  }
  // Not available now: say why when the word names an option of this command.
  const auto which = fits(t.text, all);
  if (which.size() == 1) return parse_error{*conflict(specs[which.front()].id), t.offset};
  if (which.size() > 1) return ambiguous(t, all, which);
  return syntax_error(t, "<command>");
}

std::optional<parse_error> walker::feed_value(const token& t) {
  const option_spec& spec = filter_spec(pending_filter_);
  const std::string expecting = std::string(spec.value.word);
  if (t.pipe || t.text.empty()) return syntax_error(t, expecting);
  auto& f = cmd_.filter;
  const auto invalid = [&](std::string_view what) {
    return parse_error{"invalid value " + quote(t.text) + " for " + std::string(spec.key.word) + ": expecting " +
                           std::string(what) + ".",
                       t.offset};
  };
  switch (spec.kind) {
    case value_kind::ipv4: {
      const auto a = parse_ipv4(t.text);
      if (!a) return invalid("an IPv4 address");
      (pending_filter_ == opt::local_gateway ? f.local_gateway : f.peer_gateway) = *a;
      break;
    }
    case value_kind::id16: {
      const auto n = parse_id16(t.text);
      if (!n) return invalid("a number 1..65535");
      (pending_filter_ == opt::local_session_id ? f.local_session_id : f.local_tunnel_id) = *n;
      break;
    }
    case value_kind::level: {
      std::string level = t.text == "warn" ? "warning" : t.text;
      if (std::find(level_names.begin(), level_names.end(), level) == level_names.end()) {
        return invalid("trace, debug, info, warning, error, critical or off");
      }
      cmd_.log_levels.emplace_back(spec.key.word, std::move(level));
      break;
    }
    case value_kind::name:
      switch (pending_filter_) {
        case opt::interface: f.interface = t.text; break;
        case opt::local_gateway_name: f.local_gateway_name = t.text; break;
        case opt::peer_gateway_name: f.peer_gateway_name = t.text; break;
        case opt::tunnel_group: f.tunnel_group = t.text; break;
        default: f.user = t.text; break;
      }
      break;
  }
  spelled_.push_back(t.raw);
  state_ = state::options;
  return std::nullopt;
}

std::optional<parse_error> walker::feed_pipe(const token& t) {
  if (state_ == state::pipe_end) {
    if (!t.pipe) return syntax_error(t, "'|' or end of line (quote a pattern that has blanks: \"a b\")");
    spelled_.emplace_back("|");
    state_ = state::pipe;
    return std::nullopt;
  }
  if (state_ == state::pipe_pattern) {
    if (t.pipe) return syntax_error(t, "<pattern>");
    if (auto problem = regex_problem(t.text)) {
      return parse_error{"invalid regular expression " + quote(t.text) + ": " + *problem, t.offset};
    }
    cmd_.pipes.push_back({pending_pipe_, t.text});
    spelled_.push_back(t.raw);
    state_ = state::pipe_end;
    return std::nullopt;
  }
  const auto words = keywords();
  if (t.pipe) return syntax_error(t, "<command>");
  const auto which = fits(t.text, words);
  if (which.empty()) return syntax_error(t, "<command>");
  if (which.size() > 1) return ambiguous(t, words, which);
  const std::string_view word = words[which.front()].word;
  if (word == "display" && display_given_) return parse_error{"only one 'display' pipe is allowed.", t.offset};
  spelled_.emplace_back(word);
  state_ = state::pipe_end;
  if (word == "count") cmd_.pipes.push_back({pipe_kind::count, ""});
  if (word == "no-more") cmd_.pipes.push_back({pipe_kind::no_more, ""});
  if (word == "json") cmd_.pipes.push_back({pipe_kind::display_json, ""});
  if (word == "xml") cmd_.pipes.push_back({pipe_kind::display_xml, ""});
  if (word == "display") {
    display_given_ = true;
    state_ = state::pipe_display;
  }
  if (word == "match" || word == "except") {
    pending_pipe_ = word == "match" ? pipe_kind::match : pipe_kind::except;
    state_ = state::pipe_pattern;
  }
  return std::nullopt;
}

std::optional<parse_error> walker::finish(std::size_t end) const {
  switch (state_) {
    case state::options:
      if (!complete()) return parse_error{incomplete_message(), end};
      return std::nullopt;
    case state::pipe_end:
    case state::local_done: return std::nullopt;
    case state::value:
      return parse_error{"syntax error, expecting " + std::string(filter_spec(pending_filter_).value.word) + ".", end};
    case state::pipe_pattern: return parse_error{"syntax error, expecting <pattern>.", end};
    case state::pipe:
    case state::pipe_display:
    default: break;  // a keyword is missing (the command tree, above)
  }
  return parse_error{"syntax error, expecting <command>.", end};
}

std::vector<completion> walker::expected() const {
  std::vector<completion> out;
  const auto add = [&](keyword k) { out.push_back({std::string(k.word), std::string(k.help)}); };
  const completion enter{"<[Enter]>", "Execute this command"};
  const completion pipe{"|", "Pipe through a command"};
  switch (state_) {
    case state::options:
      if (complete()) out.push_back(enter);
      for (const auto& s : options_for(cmd_.what, cmd_.target)) {
        if (!conflict(s.id)) add(s.key);
      }
      if (complete()) out.push_back(pipe);
      break;
    case state::value:
      if (is_component(pending_filter_)) {
        for (const auto level : level_names) add({level, "Logging level"});
      } else {
        add(filter_spec(pending_filter_).value);
      }
      break;
    case state::pipe_pattern:
      add({"<pattern>", pending_pipe_ == pipe_kind::match ? "Pattern to match (extended regular expression)"
                                                          : "Pattern to leave out (extended regular expression)"});
      break;
    case state::pipe_end:
      out.push_back(enter);
      out.push_back(pipe);
      break;
    case state::local_done: out.push_back(enter); break;
    case state::pipe:
    case state::pipe_display:
    default:  // and the command tree
      for (const auto& k : keywords()) add(k);
      break;
  }
  return out;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

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
