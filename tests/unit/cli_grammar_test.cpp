#include "cli/grammar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace bras::cli {
namespace {

command ok(std::string_view line) {
  auto r = parse(line);
  if (const auto* e = std::get_if<parse_error>(&r)) {
    ADD_FAILURE() << "'" << line << "': " << e->message << " (offset " << e->offset << ")";
    return {};
  }
  return std::get<command>(r);
}

parse_error error(std::string_view line) {
  auto r = parse(line);
  if (!std::holds_alternative<parse_error>(r)) {
    ADD_FAILURE() << "'" << line << "' parsed, expected an error";
    return {};
  }
  return std::get<parse_error>(r);
}

std::vector<std::string> words(const std::vector<completion>& list) {
  std::vector<std::string> out;
  for (const auto& c : list) out.push_back(c.word);
  return out;
}

using strings = std::vector<std::string>;

// ------------------------------------------------------------------ commands

TEST(CliGrammarCommands, ShowSessionLevels) {
  auto c = ok("show services l2tp session");
  EXPECT_EQ(c.what, verb::show);
  EXPECT_EQ(c.target, object::session);
  EXPECT_EQ(c.detail, level::standard);
  EXPECT_FALSE(c.statistics);
  EXPECT_FALSE(c.all);
  EXPECT_TRUE(c.pipes.empty());
  EXPECT_EQ(ok("show services l2tp session brief").detail, level::brief);
  EXPECT_EQ(ok("show services l2tp session detail").detail, level::detail);
  EXPECT_EQ(ok("show services l2tp session extensive").detail, level::extensive);
  c = ok("show services l2tp session statistics");
  EXPECT_TRUE(c.statistics);
  EXPECT_EQ(c.detail, level::standard);
}

TEST(CliGrammarCommands, ShowSessionEveryFilter) {
  auto c =
      ok("show services l2tp session interface bras0.1073741824 local-gateway 192.0.2.1 local-gateway-name lo "
         "local-session-id 17967 local-tunnel-id 40553 peer-gateway 198.51.100.7 peer-gateway-name lac1 "
         "tunnel-group tg1 user alice@isp.example");
  const auto& f = c.filter;
  EXPECT_EQ(f.interface, "bras0.1073741824");
  EXPECT_EQ(f.local_gateway, 0xc0000201u) << "host order";
  EXPECT_EQ(f.local_gateway_name, "lo");
  EXPECT_EQ(f.local_session_id, 17967);
  EXPECT_EQ(f.local_tunnel_id, 40553);
  EXPECT_EQ(f.peer_gateway, 0xc6336407u);
  EXPECT_EQ(f.peer_gateway_name, "lac1");
  EXPECT_EQ(f.tunnel_group, "tg1");
  EXPECT_EQ(f.user, "alice@isp.example");
  EXPECT_EQ(c.detail, level::standard);
}

TEST(CliGrammarCommands, FiltersInAnyOrderWithTheLevelAnywhere) {
  auto a = ok("show services l2tp session extensive user bob local-tunnel-id 7");
  auto b = ok("show services l2tp session local-tunnel-id 7 user bob extensive");
  EXPECT_EQ(a.detail, level::extensive);
  EXPECT_EQ(b.detail, level::extensive);
  EXPECT_EQ(a.filter.user, "bob");
  EXPECT_EQ(b.filter.user, "bob");
  EXPECT_EQ(a.filter.local_tunnel_id, 7);
  EXPECT_EQ(b.filter.local_tunnel_id, 7);
  EXPECT_FALSE(a.filter.local_session_id.has_value());
}

TEST(CliGrammarCommands, ValuesMayBeQuoted) {
  EXPECT_EQ(ok(R"(show services l2tp session user "john doe")").filter.user, "john doe");
  EXPECT_EQ(ok(R"(show services l2tp session user "a\"b")").filter.user, "a\"b");
  EXPECT_EQ(ok(R"(show services l2tp session user "x|y")").filter.user, "x|y");
  // A keyword in a value position is a value.
  EXPECT_EQ(ok("show services l2tp session user brief").filter.user, "brief");
  EXPECT_EQ(ok("show services l2tp session user brief").detail, level::standard);
}

TEST(CliGrammarCommands, ShowTunnel) {
  auto c =
      ok("show services l2tp tunnel detail interface bras0 local-gateway 10.0.0.1 local-gateway-name gw "
         "local-tunnel-id 1 peer-gateway 10.0.0.2 peer-gateway-name lns tunnel-group g");
  EXPECT_EQ(c.target, object::tunnel);
  EXPECT_EQ(c.detail, level::detail);
  EXPECT_EQ(c.filter.interface, "bras0");
  EXPECT_EQ(c.filter.local_gateway, 0x0a000001u);
  EXPECT_EQ(c.filter.local_gateway_name, "gw");
  EXPECT_EQ(c.filter.local_tunnel_id, 1);
  EXPECT_EQ(c.filter.peer_gateway, 0x0a000002u);
  EXPECT_EQ(c.filter.peer_gateway_name, "lns");
  EXPECT_EQ(c.filter.tunnel_group, "g");
  EXPECT_TRUE(ok("show services l2tp tunnel statistics").statistics);
  // Session-only filters are not tunnel filters.
  EXPECT_EQ(error("show services l2tp tunnel user bob").offset, 26u);
  EXPECT_EQ(error("show services l2tp tunnel local-session-id 3").offset, 26u);
}

TEST(CliGrammarCommands, SummaryDestinationSubscribers) {
  auto c = ok("show services l2tp summary");
  EXPECT_EQ(c.target, object::summary);
  EXPECT_FALSE(c.statistics);
  EXPECT_TRUE(ok("show services l2tp summary statistics").statistics);
  EXPECT_EQ(error("show services l2tp summary brief").offset, 27u);

  c = ok("show services l2tp destination extensive local-gateway 127.0.0.1 peer-gateway 127.0.0.2");
  EXPECT_EQ(c.target, object::destination);
  EXPECT_EQ(c.detail, level::extensive);
  EXPECT_EQ(c.filter.local_gateway, 0x7f000001u);
  EXPECT_EQ(c.filter.peer_gateway, 0x7f000002u);
  EXPECT_EQ(error("show services l2tp destination user x").offset, 31u);

  c = ok("show subscribers summary");
  EXPECT_EQ(c.target, object::subscribers_summary);
  EXPECT_EQ(error("show subscribers summary detail").offset, 25u);
  EXPECT_EQ(error("show subscribers").offset, 16u);
}

TEST(CliGrammarCommands, StatisticsCannotTakeALevel) {
  for (std::string_view line :
       {"show services l2tp session extensive statistics", "show services l2tp tunnel brief statistics"}) {
    auto e = error(line);
    EXPECT_EQ(e.offset, line.find("statistics")) << line;
    EXPECT_NE(e.message.find("'statistics' cannot be combined with"), std::string::npos) << e.message;
  }
  auto e = error("show services l2tp session statistics detail");
  EXPECT_EQ(e.offset, 38u);
  EXPECT_NE(e.message.find("'detail' cannot be combined with 'statistics'"), std::string::npos) << e.message;
  // Two levels conflict too.
  e = error("show services l2tp session brief extensive");
  EXPECT_EQ(e.offset, 33u);
  EXPECT_EQ(e.message, "'extensive' cannot be combined with 'brief'.");
}

TEST(CliGrammarCommands, AFilterGivenTwiceIsAnError) {
  auto e = error("show services l2tp session user a local-tunnel-id 3 user b");
  EXPECT_EQ(e.offset, 52u);
  EXPECT_EQ(e.message, "'user' is given twice.");
  e = error("show services l2tp tunnel local-tunnel-id 1 local-tunnel-id 1");
  EXPECT_EQ(e.offset, 44u);
  EXPECT_EQ(e.message, "'local-tunnel-id' is given twice.");
}

TEST(CliGrammarCommands, Clear) {
  auto c = ok("clear services l2tp session all");
  EXPECT_EQ(c.what, verb::clear);
  EXPECT_EQ(c.target, object::session);
  EXPECT_TRUE(c.all);
  EXPECT_FALSE(c.statistics);
  c = ok("clear services l2tp session user alice local-tunnel-id 5");
  EXPECT_FALSE(c.all);
  EXPECT_EQ(c.filter.user, "alice");
  EXPECT_EQ(c.filter.local_tunnel_id, 5);
  c = ok("clear services l2tp session statistics all");
  EXPECT_TRUE(c.statistics);
  EXPECT_TRUE(c.all);
  c = ok("clear services l2tp tunnel statistics local-tunnel-id 3");
  EXPECT_EQ(c.target, object::tunnel);
  EXPECT_TRUE(c.statistics);
  EXPECT_EQ(c.filter.local_tunnel_id, 3);
  c = ok("clear services l2tp tunnel peer-gateway-name lns1");
  EXPECT_EQ(c.filter.peer_gateway_name, "lns1");
}

TEST(CliGrammarCommands, ClearNeedsAllOrAFilterButNotBoth) {
  auto e = error("clear services l2tp session");
  EXPECT_EQ(e.offset, 27u);
  EXPECT_NE(e.message.find("expecting 'all' or a filter"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("local-session-id"), std::string::npos) << e.message;
  e = error("clear services l2tp tunnel statistics");
  EXPECT_EQ(e.offset, 37u);
  EXPECT_EQ(e.message.find("local-session-id"), std::string::npos) << "no session filters for tunnels: " << e.message;

  e = error("clear services l2tp session all user x");
  EXPECT_EQ(e.offset, 32u);
  EXPECT_EQ(e.message, "'user' cannot be combined with 'all'.");
  e = error("clear services l2tp session user x all");
  EXPECT_EQ(e.offset, 35u);
  EXPECT_NE(e.message.find("'all' cannot be combined with filters"), std::string::npos) << e.message;

  // statistics belongs right after the object; levels are not clear options.
  e = error("clear services l2tp session user x statistics");
  EXPECT_EQ(e.offset, 35u);
  EXPECT_NE(e.message.find("right after 'session'"), std::string::npos) << e.message;
  EXPECT_EQ(error("clear services l2tp session brief all").offset, 28u);
  EXPECT_EQ(error("clear services l2tp tunnel user x").offset, 27u);
  // A pipe may only follow a complete command.
  e = error("clear services l2tp session | count");
  EXPECT_EQ(e.offset, 28u);
  EXPECT_NE(e.message.find("'all' or a filter"), std::string::npos);
  EXPECT_EQ(error("clear services l2tp summary").offset, 20u) << "summary cannot be cleared";
}

// ------------------------------------------------------------------ values

TEST(CliGrammarValues, NumbersAreRangeChecked) {
  EXPECT_EQ(ok("show services l2tp session local-session-id 1").filter.local_session_id, 1);
  EXPECT_EQ(ok("show services l2tp session local-session-id 65535").filter.local_session_id, 65535);
  for (std::string_view bad : {"0", "65536", "-1", "abc", "12x", "999999999999", "+5"}) {
    std::string line = "show services l2tp session local-session-id " + std::string(bad);
    auto e = error(line);
    EXPECT_EQ(e.offset, 44u) << bad;
    EXPECT_EQ(e.message, "invalid value '" + std::string(bad) + "' for local-session-id: expecting a number 1..65535.");
  }
  EXPECT_EQ(error("show services l2tp tunnel local-tunnel-id 70000").offset, 42u);
}

TEST(CliGrammarValues, AddressesAreDottedQuads) {
  EXPECT_EQ(ok("show services l2tp session peer-gateway 255.255.255.255").filter.peer_gateway, 0xffffffffu);
  for (std::string_view bad : {"1.2.3", "256.1.1.1", "lns.example", "::1", "1.2.3.4.5"}) {
    std::string line = "show services l2tp session peer-gateway " + std::string(bad);
    auto e = error(line);
    EXPECT_EQ(e.offset, 40u) << bad;
    EXPECT_NE(e.message.find("expecting an IPv4 address"), std::string::npos) << e.message;
  }
}

TEST(CliGrammarValues, AMissingValueNamesItsPlaceholder) {
  auto e = error("show services l2tp session user");
  EXPECT_EQ(e.offset, 31u);
  EXPECT_EQ(e.message, "syntax error, expecting <username>.");
  e = error("show services l2tp session local-session-id | count");
  EXPECT_EQ(e.offset, 44u);
  EXPECT_NE(e.message.find("expecting <session-id>"), std::string::npos) << e.message;
  e = error(R"(show services l2tp session user "")");
  EXPECT_EQ(e.offset, 32u) << "an empty name is no name";
}

// ------------------------------------------------------------------ abbreviations and errors

TEST(CliGrammarAbbreviations, UniquePrefixesAtEveryLevel) {
  auto c = ok("sh ser l2 sess ext");
  EXPECT_EQ(c.what, verb::show);
  EXPECT_EQ(c.target, object::session);
  EXPECT_EQ(c.detail, level::extensive);
  EXPECT_EQ(ok("sh ser l2 su st").target, object::summary);
  EXPECT_TRUE(ok("sh ser l2 su st").statistics);
  EXPECT_EQ(ok("sh su su").target, object::subscribers_summary);
  EXPECT_EQ(ok("sh se l t b").target, object::tunnel);
  EXPECT_EQ(ok("sh ser l2 des").target, object::destination);
  c = ok("cl se l se a");
  EXPECT_EQ(c.what, verb::clear);
  EXPECT_TRUE(c.all);
  c = ok("sh ser l2 ses u bob local-s 9 local-t 8 peer-gateway-n x int bras0 t g");
  EXPECT_EQ(c.filter.user, "bob");
  EXPECT_EQ(c.filter.local_session_id, 9);
  EXPECT_EQ(c.filter.local_tunnel_id, 8);
  EXPECT_EQ(c.filter.peer_gateway_name, "x");
  EXPECT_EQ(c.filter.interface, "bras0");
  EXPECT_EQ(c.filter.tunnel_group, "g");
  c = ok("sh ser l2 ses | m foo | e bar | c | d j | n");
  ASSERT_EQ(c.pipes.size(), 5u);
  EXPECT_EQ(c.pipes[0], (pipe{pipe_kind::match, "foo"}));
  EXPECT_EQ(c.pipes[1], (pipe{pipe_kind::except, "bar"}));
  EXPECT_EQ(c.pipes[2].kind, pipe_kind::count);
  EXPECT_EQ(c.pipes[3].kind, pipe_kind::display_json);
  EXPECT_EQ(c.pipes[4].kind, pipe_kind::no_more);
}

TEST(CliGrammarAbbreviations, AnExactKeywordWinsOverLongerOnes) {
  auto c = ok("show services l2tp session local-gateway 10.1.1.1 peer-gateway 10.2.2.2");
  EXPECT_EQ(c.filter.local_gateway, 0x0a010101u);
  EXPECT_FALSE(c.filter.local_gateway_name.has_value());
  EXPECT_EQ(c.filter.peer_gateway, 0x0a020202u);
  c = ok("show services l2tp session local-gateway-n gw1");
  EXPECT_EQ(c.filter.local_gateway_name, "gw1");
  // Once local-gateway is given, "local-g" can only mean local-gateway-name.
  c = ok("show services l2tp session local-gateway 10.1.1.1 local-g gw1");
  EXPECT_EQ(c.filter.local_gateway_name, "gw1");
}

TEST(CliGrammarAbbreviations, AmbiguousInputListsTheCandidates) {
  auto e = error("show s");
  EXPECT_EQ(e.offset, 5u);
  EXPECT_EQ(e.message,
            "'s' is ambiguous.\n"
            "Possible completions:\n"
            "  services             Show services information\n"
            "  subscribers          Show subscriber information");
  e = error("show services l2tp s");
  EXPECT_EQ(e.offset, 19u);
  EXPECT_NE(e.message.find("  session "), std::string::npos);
  EXPECT_NE(e.message.find("  summary "), std::string::npos);
  e = error("show services l2tp session local 1");
  EXPECT_EQ(e.offset, 27u);
  EXPECT_EQ(e.message.rfind("'local' is ambiguous.", 0), 0u) << e.message;
  for (const char* w : {"local-gateway ", "local-gateway-name", "local-session-id", "local-tunnel-id"}) {
    EXPECT_NE(e.message.find(w), std::string::npos) << w;
  }
  EXPECT_EQ(error("show services l2tp session | c foo").offset, 31u) << "'c' can only be count";
  e = error("show services l2tp session p 1");
  EXPECT_NE(e.message.find("'p' is ambiguous"), std::string::npos) << e.message;
}

TEST(CliGrammarErrors, SyntaxErrorsNameTheWordAndItsOffset) {
  auto e = error("show servics l2tp");
  EXPECT_EQ(e.offset, 5u);
  EXPECT_EQ(e.message, "syntax error at 'servics', expecting <command>.");
  e = error("show services l2tp session brief bogus");
  EXPECT_EQ(e.offset, 33u);
  EXPECT_EQ(e.message, "syntax error at 'bogus', expecting <command>.");
  e = error("show services l2tp");
  EXPECT_EQ(e.offset, 18u);
  EXPECT_EQ(e.message, "syntax error, expecting <command>.");
  e = error("");
  EXPECT_EQ(e.offset, 0u);
  EXPECT_EQ(e.message, "syntax error, expecting <command>.");
  EXPECT_EQ(error("   ").offset, 3u);
  EXPECT_EQ(error("request services l2tp").offset, 0u);
  EXPECT_EQ(error("show services l2tp session\nshow").offset, 26u) << "a newline would break the wire format";
  EXPECT_EQ(error("  show  services   bogus").offset, 19u) << "offsets count the blanks as typed";
  EXPECT_EQ(error("quit").offset, 0u) << "quit is bras-cli's, not brasd's";
}

TEST(CliGrammarErrors, FormatErrorPutsACaretUnderTheWord) {
  const std::string line = "show servics";
  auto e = error(line);
  EXPECT_EQ(format_error(line, e, 0), "     ^\nsyntax error at 'servics', expecting <command>.\n");
  EXPECT_EQ(format_error(line, e, 10), "               ^\nsyntax error at 'servics', expecting <command>.\n");
  // Columns, not bytes: a two-byte UTF-8 character takes one column.
  const std::string utf8 = "show services l2tp session user \xc3\xa9 x";
  e = error(utf8);
  EXPECT_EQ(e.offset, 35u);
  EXPECT_EQ(format_error(utf8, e, 0).find('^'), 34u);
}

// ------------------------------------------------------------------ pipes

TEST(CliGrammarPipes, EveryPipeAndChains) {
  auto c = ok("show services l2tp session | match Established | except alice | count");
  ASSERT_EQ(c.pipes.size(), 3u);
  EXPECT_EQ(c.pipes[0], (pipe{pipe_kind::match, "Established"}));
  EXPECT_EQ(c.pipes[1], (pipe{pipe_kind::except, "alice"}));
  EXPECT_EQ(c.pipes[2], (pipe{pipe_kind::count, ""}));
  c = ok("show services l2tp tunnel extensive | display xml");
  ASSERT_EQ(c.pipes.size(), 1u);
  EXPECT_EQ(c.pipes[0].kind, pipe_kind::display_xml);
  c = ok("show services l2tp summary | display json | no-more");
  ASSERT_EQ(c.pipes.size(), 2u);
  EXPECT_EQ(c.pipes[0].kind, pipe_kind::display_json);
  EXPECT_EQ(c.pipes[1].kind, pipe_kind::no_more);
  c = ok("show subscribers summary|count");
  ASSERT_EQ(c.pipes.size(), 1u) << "'|' needs no blanks around it";
  EXPECT_EQ(c.pipes[0].kind, pipe_kind::count);
  c = ok("clear services l2tp session all | no-more");
  EXPECT_EQ(c.pipes.size(), 1u);
}

TEST(CliGrammarPipes, QuotedPatternsKeepBlanksAndBars) {
  auto c = ok(R"(show services l2tp session | match "Established|lns-ic-idle" | except "user 1")");
  ASSERT_EQ(c.pipes.size(), 2u);
  EXPECT_EQ(c.pipes[0].argument, "Established|lns-ic-idle");
  EXPECT_EQ(c.pipes[1].argument, "user 1");
  c = ok(R"(show services l2tp session | match "say \"hi\"" | match 10\.0\.0\.1)");
  EXPECT_EQ(c.pipes[0].argument, "say \"hi\"");
  EXPECT_EQ(c.pipes[1].argument, "10\\.0\\.0\\.1") << "a backslash outside quotes is kept";
  // Unquoted, a bar ends the pattern and the rest is a pipe command.
  auto e = error("show services l2tp session | match a|b");
  EXPECT_EQ(e.offset, 37u);
  e = error("show services l2tp session | match a b");
  EXPECT_EQ(e.offset, 37u);
  EXPECT_NE(e.message.find("expecting '|' or end of line"), std::string::npos) << e.message;
}

TEST(CliGrammarPipes, InvalidPatternsAreRejectedAtParseTime) {
  for (std::string_view bad : {"[abc", "(ab", "a{2", "a{2,1}"}) {
    std::string line = "show services l2tp session | match " + std::string(bad) + " | count";
    auto e = error(line);
    EXPECT_EQ(e.offset, 35u) << bad;
    EXPECT_EQ(e.message.rfind("invalid regular expression '" + std::string(bad) + "': ", 0), 0u) << e.message;
  }
  EXPECT_EQ(error("show services l2tp session | except \"[x\"").offset, 36u);
  std::string deep = "show services l2tp session | match " + std::string(40, '(') + "a" + std::string(40, ')');
  EXPECT_NE(error(deep).message.find("nested too deeply"), std::string::npos);
  EXPECT_EQ(ok("show services l2tp session | match \"\\(a\\)\"").pipes[0].argument, "\\(a\\)");
}

TEST(CliGrammarPipes, RepetitionCountsAreBoundedBeforeTheRegexCompilerSeesThem) {
  const std::string head = "show services l2tp session | match ";
  // Above POSIX RE_DUP_MAX, and a 19-digit count (the one that overflowed libstdc++'s parser).
  for (std::string_view bad : {"a{256}", "a{1,1000}", "l{0000000000000000040000,0}", "x{99999999999999999999}"}) {
    auto e = error(head + std::string(bad));
    EXPECT_EQ(e.offset, 35u) << bad;
    EXPECT_NE(e.message.find("repetition count above 255"), std::string::npos) << e.message;
  }
  // Nested counts multiply the compiled states: capped together.
  EXPECT_NE(error(head + "\"((a{100}){100}){2}\"").message.find("multiply past 10000"), std::string::npos);
  // Within the bounds, and braces that are literals, still parse.
  EXPECT_EQ(ok(head + "a{255}").pipes[0].argument, "a{255}");
  EXPECT_EQ(ok(head + "\"(a{10}){100}\"").pipes[0].argument, "(a{10}){100}");
  EXPECT_EQ(ok(head + "[{]99999").pipes[0].argument, "[{]99999");
  EXPECT_EQ(ok(head + "\\{99999").pipes[0].argument, "\\{99999");
}

TEST(CliGrammarPipes, Errors) {
  auto e = error("show services l2tp session |");
  EXPECT_EQ(e.offset, 28u);
  EXPECT_EQ(e.message, "syntax error, expecting <command>.");
  e = error("show services l2tp session | match");
  EXPECT_EQ(e.offset, 34u);
  EXPECT_EQ(e.message, "syntax error, expecting <pattern>.");
  EXPECT_EQ(error("show services l2tp session | display").offset, 36u);
  EXPECT_EQ(error("show services l2tp session | display text").offset, 37u);
  EXPECT_EQ(error("show services l2tp session | grep x").offset, 29u);
  e = error("show services l2tp session | display json | display xml");
  EXPECT_EQ(e.offset, 44u);
  EXPECT_EQ(e.message, "only one 'display' pipe is allowed.");
  EXPECT_EQ(error("show services l2tp session | | count").offset, 29u);
  EXPECT_EQ(error("| count").offset, 0u);
  e = error(R"(show services l2tp session | match "abc)");
  EXPECT_EQ(e.offset, 35u);
  EXPECT_EQ(e.message, "unterminated quoted string.");
}

TEST(CliGrammarCommands, SetAndShowLogLevel) {
  auto c = ok("set log level ppp debug");
  EXPECT_EQ(c.what, verb::set);
  EXPECT_EQ(c.target, object::log_level);
  using pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c.log_levels, (pairs{{"ppp", "debug"}}));
  EXPECT_EQ(ok("se lo le all warn l2tp info").log_levels, (pairs{{"all", "warning"}, {"l2tp", "info"}}));
  EXPECT_EQ(ok("show log level").target, object::log_level);
  EXPECT_EQ(ok("show log level").what, verb::show);
  EXPECT_NE(error("set log level").message.find("expecting a logger"), std::string::npos);
  EXPECT_EQ(error("set log level ppp").message, "syntax error, expecting <level>.");
  auto loud = error("set log level ppp loud");
  EXPECT_NE(loud.message.find("invalid value 'loud'"), std::string::npos) << loud.message;
  EXPECT_EQ(loud.offset, 18u);
  EXPECT_NE(error("set log level ppp debug ppp info").message.find("given twice"), std::string::npos);
  EXPECT_NE(error("set log level radius debug").message.find("syntax error"), std::string::npos);
}

// ------------------------------------------------------------------ completion

TEST(CliGrammarCompletion, LogLevelsAreOfferedByName) {
  auto r = complete("set log level ppp ");
  EXPECT_EQ(words(r.candidates), (strings{"critical", "debug", "error", "info", "off", "trace", "warning"}));
  r = complete("set log level p");
  EXPECT_EQ(r.line, "set log level ppp ");
  r = complete("set ");
  EXPECT_EQ(r.line, "set log ");
}

TEST(CliGrammarCompletion, TabSpellsOutAbbreviationsAndCompletesTheWord) {
  auto r = complete("sh ser l2 ses");
  EXPECT_FALSE(r.error.has_value());
  EXPECT_EQ(r.line, "show services l2tp session ");
  EXPECT_FALSE(r.list);
  EXPECT_EQ(words(r.candidates), strings{"session"});

  r = complete("show services ");
  EXPECT_EQ(r.line, "show services l2tp ") << "the only possible word is inserted";
  EXPECT_FALSE(r.list);

  r = complete("show services l2tp s");
  EXPECT_EQ(r.line, "show services l2tp s");
  EXPECT_TRUE(r.list);
  EXPECT_EQ(words(r.candidates), (strings{"session", "summary"}));

  r = complete("show services l2tp session local-g");
  EXPECT_EQ(r.line, "show services l2tp session local-gateway") << "the longest common prefix";
  EXPECT_FALSE(r.list);
  r = complete("show services l2tp session local-gateway");
  EXPECT_EQ(r.line, "show services l2tp session local-gateway");
  EXPECT_TRUE(r.list);
  EXPECT_EQ(words(r.candidates), (strings{"local-gateway", "local-gateway-name"}));

  r = complete(R"(sh ser l2 ses user "a b" | m "x y" | c)");
  EXPECT_EQ(r.line, R"(show services l2tp session user "a b" | match "x y" | count )") << "values stay as typed";

  r = complete("show");
  EXPECT_EQ(r.line, "show ");
  r = complete("show services l2tp session | d");
  EXPECT_EQ(r.line, "show services l2tp session | display ");
}

TEST(CliGrammarCompletion, QuestionMarkListsTheNextWordsWithHelp) {
  auto r = complete("show services l2tp session ");
  EXPECT_EQ(words(r.candidates), (strings{"<[Enter]>", "brief", "detail", "extensive", "interface", "local-gateway",
                                          "local-gateway-name", "local-session-id", "local-tunnel-id", "peer-gateway",
                                          "peer-gateway-name", "statistics", "tunnel-group", "user", "|"}));
  EXPECT_EQ(r.candidates[0].help, "Execute this command");
  EXPECT_EQ(r.candidates[1].help, "Display brief output");
  EXPECT_EQ(r.candidates.back().help, "Pipe through a command");
  EXPECT_TRUE(r.list) << "Tab with nothing typed lists";

  EXPECT_EQ(words(complete("show services l2tp tunnel ").candidates),
            (strings{"<[Enter]>", "brief", "detail", "extensive", "interface", "local-gateway", "local-gateway-name",
                     "local-tunnel-id", "peer-gateway", "peer-gateway-name", "statistics", "tunnel-group", "|"}));
  EXPECT_EQ(words(complete("show services l2tp ").candidates),
            (strings{"destination", "session", "summary", "tunnel"}));
  EXPECT_EQ(words(complete("").candidates), (strings{"clear", "set", "show"}));
  EXPECT_EQ(words(complete("", true).candidates), (strings{"clear", "exit", "help", "quit", "set", "show"}));
  EXPECT_EQ(words(complete("show subscribers summary ").candidates), (strings{"<[Enter]>", "|"}));
  EXPECT_EQ(words(complete("show services l2tp summary ").candidates), (strings{"<[Enter]>", "statistics", "|"}));
}

TEST(CliGrammarCompletion, UsedAndConflictingOptionsAreNotOffered) {
  auto r = complete("show services l2tp session extensive user bob ");
  EXPECT_EQ(words(r.candidates),
            (strings{"<[Enter]>", "interface", "local-gateway", "local-gateway-name", "local-session-id",
                     "local-tunnel-id", "peer-gateway", "peer-gateway-name", "tunnel-group", "|"}));
  const auto offered = words(complete("show services l2tp session statistics ").candidates);
  for (const char* level : {"brief", "detail", "extensive", "statistics"}) {
    EXPECT_EQ(std::count(offered.begin(), offered.end(), level), 0) << level;
  }
  EXPECT_EQ(std::count(offered.begin(), offered.end(), "user"), 1);
  // clear: incomplete until all or a filter; statistics only first; all excludes filters.
  EXPECT_EQ(words(complete("clear services l2tp tunnel ").candidates),
            (strings{"all", "interface", "local-gateway", "local-gateway-name", "local-tunnel-id", "peer-gateway",
                     "peer-gateway-name", "statistics", "tunnel-group"}));
  EXPECT_EQ(words(complete("clear services l2tp session all ").candidates), (strings{"<[Enter]>", "|"}));
  const auto clear_offered = words(complete("clear services l2tp session statistics user x ").candidates);
  EXPECT_EQ(clear_offered.front(), "<[Enter]>");
  EXPECT_EQ(std::count(clear_offered.begin(), clear_offered.end(), "all"), 0);
  EXPECT_EQ(std::count(clear_offered.begin(), clear_offered.end(), "statistics"), 0);
  EXPECT_EQ(std::count(clear_offered.begin(), clear_offered.end(), "tunnel-group"), 1);
}

TEST(CliGrammarCompletion, ValuesShowTheirPlaceholder) {
  auto r = complete("show services l2tp session local-session-id ");
  ASSERT_EQ(r.candidates.size(), 1u);
  EXPECT_EQ(r.candidates[0], (completion{"<session-id>", "Local session identifier"}));
  EXPECT_FALSE(r.candidates[0].insertable());
  EXPECT_EQ(r.line, "show services l2tp session local-session-id ") << "Tab inserts nothing";
  EXPECT_TRUE(r.list);
  r = complete("show services l2tp session user al");
  ASSERT_EQ(r.candidates.size(), 1u);
  EXPECT_EQ(r.candidates[0].word, "<username>");
  r = complete(R"(show services l2tp session | match "Estab)");
  ASSERT_EQ(r.candidates.size(), 1u) << "an open quote is a word being typed";
  EXPECT_EQ(r.candidates[0].word, "<pattern>");
  EXPECT_EQ(words(complete("show services l2tp session local-gateway ").candidates), strings{"<gateway-address>"});
  EXPECT_EQ(words(complete("show services l2tp session | ").candidates),
            (strings{"count", "display", "except", "match", "no-more"}));
  EXPECT_EQ(words(complete("show services l2tp session|").candidates),
            (strings{"count", "display", "except", "match", "no-more"}));
  EXPECT_EQ(words(complete("show services l2tp session | display ").candidates), (strings{"json", "xml"}));
  EXPECT_EQ(words(complete("show services l2tp session | count ").candidates), (strings{"<[Enter]>", "|"}));
}

TEST(CliGrammarCompletion, ErrorsBeforeTheCursor) {
  auto r = complete("show servics ");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->offset, 5u);
  EXPECT_TRUE(r.candidates.empty());
  r = complete("show services l2tp session xyz");
  ASSERT_TRUE(r.error.has_value()) << "a partial word that fits nothing";
  EXPECT_EQ(r.error->offset, 27u);
  r = complete("show services l2tp session brief det");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->message, "'detail' cannot be combined with 'brief'.");
  r = complete("show services l2tp session user bob u");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->message, "'user' is given twice.");
}

TEST(CliGrammarCompletion, LocalCommands) {
  EXPECT_EQ(complete("q", true).line, "quit ");
  EXPECT_EQ(complete("e", true).line, "exit ");
  EXPECT_TRUE(complete("q").error.has_value()) << "brasd's grammar has no quit";
  EXPECT_EQ(parse_local("quit"), local_command::quit);
  EXPECT_EQ(parse_local(" q "), local_command::quit);
  EXPECT_EQ(parse_local("exit"), local_command::quit);
  EXPECT_EQ(parse_local("help"), local_command::help);
  EXPECT_EQ(parse_local("he"), local_command::help);
  EXPECT_EQ(parse_local("quit now"), std::nullopt);
  EXPECT_EQ(parse_local("show services l2tp summary"), std::nullopt);
  EXPECT_EQ(parse_local(""), std::nullopt);
}

TEST(CliGrammarCompletion, FormatCompletionsIsJunosLayout) {
  EXPECT_EQ(format_completions({{"<[Enter]>", "Execute this command"}, {"brief", "Display brief output"}}),
            "Possible completions:\n"
            "  <[Enter]>            Execute this command\n"
            "  brief                Display brief output\n");
  EXPECT_EQ(format_completions({{"a-very-long-keyword-word", "Help"}}),
            "Possible completions:\n  a-very-long-keyword-word Help\n");
}

TEST(CliGrammarCompletion, EveryOfferedWordParses) {
  // Whatever '?' offers must be accepted: the walker serves both.
  const std::vector<std::string> starts = {"show services l2tp session ",
                                           "show services l2tp tunnel ",
                                           "show services l2tp destination ",
                                           "clear services l2tp session ",
                                           "clear services l2tp tunnel statistics ",
                                           "show services l2tp summary "};
  for (const auto& start : starts) {
    for (const auto& c : complete(start).candidates) {
      if (!c.insertable()) continue;
      std::string line = start + c.word;
      auto next = complete(line + " ");
      ASSERT_FALSE(next.error.has_value()) << line;
      if (next.candidates.size() == 1 && !next.candidates[0].insertable()) {
        const std::string& placeholder = next.candidates[0].word;
        line += placeholder == "<gateway-address>" ? " 192.0.2.1" : placeholder.ends_with("-id>") ? " 42" : " x";
      }
      auto r = parse(line);
      if (c.word == "statistics" && start.starts_with("clear")) continue;  // needs all or a filter still
      EXPECT_TRUE(std::holds_alternative<command>(r))
          << line << ": " << (std::holds_alternative<parse_error>(r) ? std::get<parse_error>(r).message : "");
    }
  }
}

TEST(CliGrammarRobustness, RandomLinesNeverCrashAndErrorsPointIntoTheLine) {
  // brasd parses whatever arrives on its socket: words of the grammar in any
  // order, values, quotes, bars and stray bytes must all give a command or an
  // error inside the line, and complete() must cope with every prefix.
  const std::vector<std::string> vocabulary = {"show",
                                               "clear",
                                               "services",
                                               "l2tp",
                                               "session",
                                               "tunnel",
                                               "summary",
                                               "destination",
                                               "subscribers",
                                               "brief",
                                               "detail",
                                               "extensive",
                                               "statistics",
                                               "all",
                                               "user",
                                               "interface",
                                               "local-gateway",
                                               "local-session-id",
                                               "peer-gateway-name",
                                               "tunnel-group",
                                               "|",
                                               "match",
                                               "except",
                                               "count",
                                               "display",
                                               "json",
                                               "xml",
                                               "no-more",
                                               "1",
                                               "65535",
                                               "65536",
                                               "10.0.0.1",
                                               "\"a b\"",
                                               "\"",
                                               "\"(",
                                               "[",
                                               "s",
                                               "l",
                                               "\xc3\xa9",
                                               "\x01",
                                               "\\",
                                               "sh",
                                               "ser",
                                               "l2",
                                               "ses",
                                               "?",
                                               ""};
  std::mt19937 random(20240611);  // fixed: a failure reproduces
  std::size_t commands = 0;
  for (int i = 0; i < 20000; ++i) {
    // Half the lines start as a real command, so the walker gets deep too.
    static const std::vector<std::string> starts = {"show services l2tp session", "sh ser l2 t",
                                                    "show subscribers summary", "clear services l2tp session",
                                                    "show services l2tp summary"};
    std::string line = random() % 2 == 0 ? starts[random() % starts.size()] : "";
    const int n = static_cast<int>(random() % 7);
    for (int w = 0; w < n; ++w) {
      if (!line.empty() && random() % 4 != 0) line += ' ';
      line += vocabulary[random() % vocabulary.size()];
    }
    auto r = parse(line);
    if (const auto* e = std::get_if<parse_error>(&r)) {
      ASSERT_LE(e->offset, line.size()) << line;
      ASSERT_FALSE(e->message.empty()) << line;
    } else {
      ++commands;
    }
    const std::size_t cut = line.empty() ? 0 : random() % (line.size() + 1);
    auto c = complete(std::string_view(line).substr(0, cut), random() % 2 == 0);
    if (c.error) {
      ASSERT_LE(c.error->offset, cut) << line;
    }
  }
  EXPECT_GT(commands, 0u) << "the generator should hit some valid commands";
}

}  // namespace
}  // namespace bras::cli
