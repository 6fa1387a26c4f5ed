// The words of the operator command grammar (cli/grammar.cpp): the command
// tree, the options of each command with their values, the pipes, each with
// the one-line help '?' shows. Data only, kept apart from the walker that
// uses it. Internal to the grammar: include cli/grammar.hpp instead.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "cli/command.hpp"

namespace bras::cli::detail {

/// A word of the grammar and its '?' help.
struct keyword {
  std::string_view word;
  std::string_view help;
};

// ---------------------------------------------------------------- the command tree

/// Where the walker is: which words may come next.
enum class state : std::uint8_t {
  root,
  show,
  show_services,
  show_l2tp,
  show_subscribers,
  clear,
  clear_services,
  clear_l2tp,
  set,
  set_log,
  show_log,
  show_network_access,
  show_aaa,
  options,       ///< after the object: levels, statistics, all, filters
  value,         ///< a filter's value
  pipe,          ///< after '|'
  pipe_display,  ///< after "| display"
  pipe_pattern,  ///< after "| match" / "| except"
  pipe_end,      ///< after a complete pipe
  local_done,    ///< after bras-cli's own help / quit / exit
};

/// The states before the object: only keywords of the `steps` table may come
/// next. The walker's switches test this once instead of listing them.
constexpr bool in_command_tree(state s) {
  return s < state::options;
}

/// A keyword of the command tree: from one state to the next, fixing the verb or the object.
struct step {
  state from;
  keyword key;
  state to;
  std::optional<verb> sets_verb;
  std::optional<object> sets_object;
};

/// The command tree up to the object (then: state::options).
inline constexpr std::array steps{
    step{state::root, {"clear", "Clear information in the system"}, state::clear, verb::clear, {}},
    step{state::root, {"show", "Show system information"}, state::show, verb::show, {}},
    step{state::show, {"services", "Show services information"}, state::show_services, {}, {}},
    step{state::show, {"subscribers", "Show subscriber information"}, state::show_subscribers, {}, {}},
    step{state::show_services, {"l2tp", "Show L2TP information"}, state::show_l2tp, {}, {}},
    step{state::show_l2tp,
         {"destination", "Show L2TP destination information"},
         state::options,
         {},
         object::destination},
    step{state::show_l2tp, {"session", "Show L2TP session information"}, state::options, {}, object::session},
    step{state::show_l2tp, {"summary", "Show L2TP summary information"}, state::options, {}, object::summary},
    step{state::show_l2tp, {"tunnel", "Show L2TP tunnel information"}, state::options, {}, object::tunnel},
    step{state::show_subscribers,
         {"summary", "Show subscribers summary"},
         state::options,
         {},
         object::subscribers_summary},
    step{state::root, {"set", "Set CLI and daemon parameters"}, state::set, verb::set, {}},
    step{state::set, {"log", "Set logging parameters"}, state::set_log, {}, {}},
    step{state::set_log, {"level", "Set the level of a logger"}, state::options, {}, object::log_level},
    step{state::show, {"log", "Show logging information"}, state::show_log, {}, {}},
    step{state::show_log, {"level", "Show the level of every logger"}, state::options, {}, object::log_level},
    step{state::show, {"network-access", "Show network access information"}, state::show_network_access, {}, {}},
    step{state::show_network_access, {"aaa", "Show AAA information"}, state::show_aaa, {}, {}},
    step{state::show_aaa,
         {"accounting-spool", "Show the accounting spool"},
         state::options,
         {},
         object::aaa_accounting_spool},
    step{state::show_aaa,
         {"radius-servers", "Show RADIUS server information"},
         state::options,
         {},
         object::aaa_radius_servers},
    step{state::show_aaa,
         {"statistics", "Show AAA, RADIUS and dynamic-request statistics"},
         state::options,
         {},
         object::aaa_statistics},
    step{state::clear, {"services", "Clear services information"}, state::clear_services, {}, {}},
    step{state::clear_services, {"l2tp", "Clear L2TP information"}, state::clear_l2tp, {}, {}},
    step{state::clear_l2tp, {"session", "Clear L2TP sessions"}, state::options, {}, object::session},
    step{state::clear_l2tp, {"tunnel", "Clear L2TP tunnels"}, state::options, {}, object::tunnel},
};

/// bras-cli's own commands, offered at the start of a line in a session only.
inline constexpr std::array<keyword, 3> local_words{{
    {"exit", "Exit the CLI"},
    {"help", "Show how to use the CLI"},
    {"quit", "Exit the CLI"},
}};

// ---------------------------------------------------------------- options

/// Every option of any command: the levels, statistics, all, then the filters.
enum class opt : std::uint8_t {
  brief,
  detail,
  extensive,
  statistics,
  all,
  interface,
  local_gateway,
  local_gateway_name,
  local_session_id,
  local_tunnel_id,
  peer_gateway,
  peer_gateway_name,
  tunnel_group,
  user,
  // set log level COMPONENT LEVEL
  log_all,
  log_aaa,
  log_cli,
  log_io,
  log_l2tp,
  log_ppp,
};
inline constexpr std::size_t opt_count = static_cast<std::size_t>(opt::log_ppp) + 1;
/// brief, detail or extensive.
constexpr bool is_level(opt o) {
  return o <= opt::extensive;
}
/// An option that takes a value and narrows the selection.
constexpr bool is_filter(opt o) {
  return o >= opt::interface && o <= opt::user;
}
/// A logger of `set log level` (its value is the level).
constexpr bool is_component(opt o) {
  return o >= opt::log_all;
}

/// How a filter's value is checked and stored.
enum class value_kind : std::uint8_t { name, ipv4, id16, level };

/// An option as '?' lists it; filters also name their value.
struct option_spec {
  opt id;
  keyword key;
  keyword value = {};  ///< filters: the placeholder and its help, as '?' shows them
  value_kind kind = value_kind::name;
};

/// The filters, in opt order (session and tunnel use all or most; destination two).
inline constexpr std::array<option_spec, 9> filter_specs{{
    {opt::interface, {"interface", "Name of interface"}, {"<interface-name>", "Interface name (name or name.unit)"}},
    {opt::local_gateway,
     {"local-gateway", "Local gateway address"},
     {"<gateway-address>", "Local gateway IPv4 address"},
     value_kind::ipv4},
    {opt::local_gateway_name, {"local-gateway-name", "Local gateway name"}, {"<gateway-name>", "Local gateway name"}},
    {opt::local_session_id,
     {"local-session-id", "Local session identifier"},
     {"<session-id>", "Local session identifier"},
     value_kind::id16},
    {opt::local_tunnel_id,
     {"local-tunnel-id", "Local tunnel identifier"},
     {"<tunnel-id>", "Local tunnel identifier"},
     value_kind::id16},
    {opt::peer_gateway,
     {"peer-gateway", "Peer gateway address"},
     {"<gateway-address>", "Peer gateway IPv4 address"},
     value_kind::ipv4},
    {opt::peer_gateway_name, {"peer-gateway-name", "Peer gateway name"}, {"<gateway-name>", "Peer gateway name"}},
    {opt::tunnel_group, {"tunnel-group", "Tunnel group name"}, {"<group-name>", "Tunnel group name"}},
    {opt::user, {"user", "Username"}, {"<username>", "Username"}},
}};

/// The loggers of `set log level`, in opt order; each takes a level.
inline constexpr std::array<option_spec, 6> component_specs{{
    {opt::log_all,
     {"all", "Every logger"},
     {"<level>", "trace, debug, info, warning, error, critical or off"},
     value_kind::level},
    {opt::log_aaa,
     {"aaa", "Authentication and address pools"},
     {"<level>",
      "trace, debug, info, warning, error, "
      "critical or off"},
     value_kind::level},
    {opt::log_cli,
     {"cli", "The operator interface"},
     {"<level>", "trace, debug, info, warning, error, critical or off"},
     value_kind::level},
    {opt::log_io,
     {"io", "Sockets and the tun device"},
     {"<level>",
      "trace, debug, info, warning, error, critical or "
      "off"},
     value_kind::level},
    {opt::log_l2tp,
     {"l2tp", "Tunnels, sessions, the LAC controller"},
     {"<level>",
      "trace, debug, info, warning, "
      "error, critical or off"},
     value_kind::level},
    {opt::log_ppp,
     {"ppp", "PPP negotiation and session ends"},
     {"<level>",
      "trace, debug, info, warning, error, "
      "critical or off"},
     value_kind::level},
}};

/// The levels `set log level` accepts (spdlog's names, "warning" spelled out as on Junos).
inline constexpr std::array<std::string_view, 7> level_names{"trace", "debug",    "info", "warning",
                                                             "error", "critical", "off"};

/// The commands after '|'.
inline constexpr std::array<keyword, 5> pipe_words{{
    {"count", "Count occurrences"},
    {"display", "Show additional kinds of information"},
    {"except", "Show only text that does not match a pattern"},
    {"match", "Show only text that matches a pattern"},
    {"no-more", "Don't paginate output"},
}};
/// The formats after "| display".
inline constexpr std::array<keyword, 2> display_words{{
    {"json", "Show output in JSON format"},
    {"xml", "Show XML RPC replies"},
}};

}  // namespace bras::cli::detail
