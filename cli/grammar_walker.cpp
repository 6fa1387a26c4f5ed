// The walker: consumes a command line's words one by one and always knows
// what may come next (the command tree, filters and their values, pipes).
#include <algorithm>

#include "cli/grammar_walker.hpp"

namespace bras::cli::detail {

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

std::variant<std::string_view, parse_error> walker::keyword_of(const token& t) const {
  const auto words = keywords();
  if (t.pipe) return syntax_error(t, "<command>");
  const auto which = fits(t.text, words);
  if (which.empty()) return syntax_error(t, "<command>");
  if (which.size() > 1) return ambiguous(t, words, which);
  return words[which.front()].word;
}

std::optional<parse_error> walker::feed_keyword(const token& t) {
  auto named = keyword_of(t);
  if (auto* e = std::get_if<parse_error>(&named)) return std::move(*e);
  const std::string_view word = std::get<std::string_view>(named);
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
  auto named = keyword_of(t);
  if (auto* e = std::get_if<parse_error>(&named)) return std::move(*e);
  const std::string_view word = std::get<std::string_view>(named);
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

}  // namespace bras::cli::detail
