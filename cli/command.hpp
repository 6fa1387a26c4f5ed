// An operator command, parsed: what bras-cli sends and brasd executes.
// The grammar (cli/grammar.hpp) turns a line such as
//   sh ser l2 sess ext user alice | match Established | count
// into a `command`; the renderers (cli/render.hpp) turn a command and a
// query snapshot (or an aaa_snapshot) into text, XML or JSON. Pure: no CAF, Asio or I/O.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/query.hpp"

namespace bras::cli {

enum class verb : std::uint8_t { show, clear, set };

enum class object : std::uint8_t {
  session,              ///< show|clear services l2tp session
  tunnel,               ///< show|clear services l2tp tunnel
  summary,              ///< show services l2tp summary
  destination,          ///< show services l2tp destination
  subscribers_summary,  ///< show subscribers summary
  log_level,            ///< set|show log level: the loggers' levels at run time
  // Answered from the aaa_snapshot (model/aaa.hpp), not the query snapshot: is_aaa().
  aaa_statistics,        ///< show network-access aaa statistics: RADIUS, accounting and CoA counters
  aaa_radius_servers,    ///< show network-access aaa radius-servers: each server's state
  aaa_accounting_spool,  ///< show network-access aaa accounting-spool: the on-disk accounting spool
};

/// A `show network-access aaa ...` command: answered from the aaa_snapshot.
constexpr bool is_aaa(object o) {
  return o == object::aaa_statistics || o == object::aaa_radius_servers || o == object::aaa_accounting_spool;
}

/// Output level. `standard` is the level with no keyword (Junos: same rows as brief).
enum class level : std::uint8_t { standard, brief, detail, extensive };

enum class pipe_kind : std::uint8_t { match, except, count, display_json, display_xml, no_more };

struct pipe {
  pipe_kind kind = pipe_kind::no_more;
  std::string argument;  ///< the regular expression of match / except
  friend bool operator==(const pipe&, const pipe&) = default;
};

struct command {
  verb what = verb::show;
  object target = object::session;
  level detail = level::standard;
  bool statistics = false;  ///< `statistics` keyword (show: counters view; clear: reset counters only)
  bool all = false;         ///< clear ... all
  model::query_filter filter;
  std::vector<pipe> pipes;
  /// set log level: (component or "all", level) in the order given.
  std::vector<std::pair<std::string, std::string>> log_levels;
};

}  // namespace bras::cli
