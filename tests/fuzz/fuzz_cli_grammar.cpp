// libFuzzer target for the operator command grammar (cli/grammar.hpp), which
// brasd runs on every line a CLI client sends: parse, completion ('?' and
// Tab) at the end of the line and after its first words, bras-cli's local
// commands and the error caret. Invariants (trap on violation): an error's offset lies within its
// line and its caret output ends the line; parsing is deterministic; Tab
// never lengthens a line it reports as wrong, and what it inserts for a line
// that parses still parses; every '?' candidate has a word and help to show.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/grammar.hpp"

namespace {

using namespace bras;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

/// The parts of a command that the line alone decides, for comparing two parses.
std::string shape(const cli::command& c) {
  std::string s;
  s += std::to_string(static_cast<int>(c.what)) + "/" + std::to_string(static_cast<int>(c.target)) + "/" +
       std::to_string(static_cast<int>(c.detail)) + (c.statistics ? "s" : "") + (c.all ? "a" : "");
  for (const auto& p : c.pipes) s += "|" + std::to_string(static_cast<int>(p.kind)) + ":" + p.argument;
  for (const auto& [component, level] : c.log_levels) s += ";" + component + "=" + level;
  if (c.filter.user) s += " user=" + *c.filter.user;
  if (c.filter.local_tunnel_id) s += " tunnel=" + std::to_string(*c.filter.local_tunnel_id);
  if (c.filter.local_session_id) s += " session=" + std::to_string(*c.filter.local_session_id);
  return s;
}

std::string outcome(std::string_view line) {
  const auto r = cli::parse(line);
  if (const auto* e = std::get_if<cli::parse_error>(&r)) {
    require(e->offset <= line.size());
    require(!e->message.empty());
    const auto caret = cli::format_error(line, *e, 4);
    require(!caret.empty() && caret.back() == '\n');
    return "error@" + std::to_string(e->offset) + ":" + e->message;
  }
  return shape(std::get<cli::command>(r));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 512) return 0;  // an operator's line; longer ones only slow the search
  const std::string line(reinterpret_cast<const char*>(data), size);

  const auto first = outcome(line);
  require(outcome(line) == first);  // deterministic
  (void)cli::parse_local(line);

  // Completion where an operator presses '?' or Tab: at the end, and after each of the first
  // words (inside a word, at the end of each prefix the search makes anyway).
  std::vector<std::size_t> cuts{line.size()};
  for (std::size_t i = 0; i < line.size() && cuts.size() < 12; ++i) {
    if (line[i] == ' ') cuts.push_back(i + 1);
  }
  for (const std::size_t cut : cuts) {
    const std::string_view before = std::string_view{line}.substr(0, cut);
    for (const bool local : {false, true}) {
      const auto c = cli::complete(before, local);
      for (const auto& candidate : c.candidates) require(!candidate.word.empty());
      if (!c.candidates.empty()) require(!cli::format_completions(c.candidates).empty());
      if (c.error) {
        require(c.error->offset <= before.size());
        continue;
      }
      if (!c.list && !local) {
        // Tab spelled the line out: it still means what it meant, if it meant anything.
        const auto expanded = cli::parse(c.line);
        if (cut == line.size() && !std::holds_alternative<cli::parse_error>(cli::parse(before)) &&
            std::holds_alternative<cli::parse_error>(expanded)) {
          __builtin_trap();
        }
      }
    }
  }
  return 0;
}
