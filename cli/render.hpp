// The show and clear renderers: pure functions of a parsed command and a
// query snapshot. Text follows the Junos sample outputs (docs/cli.md);
// `| display xml` and `| display json` follow Junos' XML element names and
// its XML-to-JSON mapping; match / except / count work on the text.
#pragma once

#include <cstddef>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cli/command.hpp"
#include "model/aaa.hpp"
#include "model/query.hpp"

namespace bras::cli {

/// Which Junos platform's session layout to follow (config `cli.session-layout`).
enum class layout : std::uint8_t {
  mx,        ///< MX Series: LNS and LAC layouts of the MX samples (the default)
  m_series,  ///< M Series LNS: Interface / Tunnel group header, Username column
};

struct render_options {
  layout session_layout = layout::mx;
  std::string junos_release = "bras";  ///< the release string in the XML namespaces (xmlns attributes)
};

// ---- text (cli/text_session.cpp, cli/text_tunnel.cpp, cli/text_summary.cpp) ----

/// The text of a show command (no pipes applied).
[[nodiscard]] std::string render_text(const command& c, const model::query_snapshot& s, const render_options& o = {});

/// The Junos-style feedback of a clear command: "  Session 17967 closed",
/// "Session 17967 statistics cleared", "  Tunnel 40553 closed", ...
[[nodiscard]] std::string render_clear(const command& c, const model::clear_report& r);

/// `show log level`: one line per logger, "Logger  Level" header.
[[nodiscard]] std::string render_log_levels(const std::vector<std::pair<std::string, std::string>>& levels);

// ---- structured (cli/structured.cpp) ----

/// `| display xml`: the reply as Junos XML (<rpc-reply> ... </rpc-reply>).
[[nodiscard]] std::string render_xml(const command& c, const model::query_snapshot& s, const render_options& o = {});

/// `| display json`: the same tree in Junos' JSON mapping.
[[nodiscard]] std::string render_json(const command& c, const model::query_snapshot& s, const render_options& o = {});

// ---- show network-access aaa ... (cli/text_aaa.cpp, cli/structured_aaa.cpp): the aaa_snapshot ----

/// The text of an aaa command (is_aaa(c.target)); no pipes applied.
[[nodiscard]] std::string render_text(const command& c, const model::aaa_snapshot& s);
/// `| display xml` of an aaa command.
[[nodiscard]] std::string render_xml(const command& c, const model::aaa_snapshot& s, const render_options& o = {});
/// `| display json` of an aaa command.
[[nodiscard]] std::string render_json(const command& c, const model::aaa_snapshot& s, const render_options& o = {});

// ---- pipes and the whole reply (cli/pipes.cpp) ----

/// Applies match / except / count in order to `text`; display and no-more
/// pipes are ignored here (they choose the renderer / the pager).
[[nodiscard]] std::string apply_pipes(std::string text, const std::vector<pipe>& pipes);
/// The regular expression of a match/except pipe (POSIX extended), or the error line bras-cli
/// prints when it does not compile ("error: invalid regular expression: ...").
[[nodiscard]] std::variant<std::regex, std::string> pipe_regex(const pipe& p);
/// The renderer a command's display pipes ask for: display_xml, display_json, or no_more for
/// text. The last display pipe wins, like Junos: "| display xml | display json" gives JSON.
[[nodiscard]] pipe_kind display_of(const command& c);

/// The full reply to a show command: the renderer its display pipe asks for
/// (text by default), then the text pipes.
[[nodiscard]] std::string render(const command& c, const model::query_snapshot& s, const render_options& o = {});
/// The same for an aaa command and the aaa_snapshot.
[[nodiscard]] std::string render(const command& c, const model::aaa_snapshot& s, const render_options& o = {});

// ---- the reply part by part (cli/stream.cpp): what brasd writes to the operator's socket ----

/// A reply produced in parts, so that the listing of 100,000 sessions (81 MB with `extensive`)
/// is never one string: brasd renders a part, writes it, and renders the next once the socket
/// has taken it. The parts joined are exactly what render() returns.
class reply_stream {
 public:
  reply_stream() = default;
  reply_stream(const reply_stream&) = delete;
  reply_stream& operator=(const reply_stream&) = delete;
  virtual ~reply_stream() = default;
  /// Appends the next part to `out`: at least `want` bytes (give or take a session) unless
  /// the reply ends first. False, with nothing appended, once the reply has ended.
  virtual bool next(std::string& out, std::size_t want) = 0;
};

/// render(c, s, o) in parts. The session text views are rendered session by session and the
/// text pipes (match, except, count) run over the parts as they come; the other views are
/// rendered whole on the first part. A failure (an invalid regular expression, out of memory)
/// ends the reply with the same "error: ..." line render() gives.
[[nodiscard]] std::unique_ptr<reply_stream> render_stream(const command& c, model::query_snapshot s,
                                                          const render_options& o = {});

/// A reply already rendered (`text`), in parts.
[[nodiscard]] std::unique_ptr<reply_stream> text_stream(std::string text);

}  // namespace bras::cli
