// RFC 1661 §4: every cell of the option negotiation automaton's table, and
// the §4.6 restart and failure counters of `negotiation`.
#include "protocol/ppp/automaton.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "tests/unit/test_util.hpp"

namespace bras::ppp {
namespace {

namespace A = ppp_action;
using S = ppp_state;
using E = ppp_event;

// RFC 1661 §4.1 "State Transition Table", typed in from the RFC row by row
// (printed there in two halves, states 0-5 then 6-9). Cells as printed:
// "actions/next-state", a bare next state, or "-" for an illegal transition;
// a trailing letter is a footnote (p passive, r restart, x crossed).
// clang-format off
constexpr std::array<std::array<std::string_view, 10>, 16> rfc_table{{
  //           0 Initial  1 Starting   2 Closed     3 Stopped        4 Closing    5 Stopping   6 Req-Sent   7 Ack-Rcvd   8 Ack-Sent   9 Opened
  /* Up    */ {{"2",       "irc,scr/6", "-",         "-",             "-",         "-",         "-",         "-",         "-",         "-"}},
  /* Down  */ {{"-",       "-",         "0",         "tls/1",         "0",         "1",         "1",         "1",         "1",         "tld/1"}},
  /* Open  */ {{"tls/1",   "1",         "irc,scr/6", "3r",            "5r",        "5r",        "6",         "7",         "8",         "9r"}},
  /* Close */ {{"0",       "tlf/0",     "2",         "2",             "4",         "4",         "irc,str/4", "irc,str/4", "irc,str/4", "tld,irc,str/4"}},
  /* TO+   */ {{"-",       "-",         "-",         "-",             "str/4",     "str/5",     "scr/6",     "scr/6",     "scr/8",     "-"}},
  /* TO-   */ {{"-",       "-",         "-",         "-",             "tlf/2",     "tlf/3",     "tlf/3p",    "tlf/3p",    "tlf/3p",    "-"}},
  /* RCR+  */ {{"-",       "-",         "sta/2",     "irc,scr,sca/8", "4",         "5",         "sca/8",     "sca,tlu/9", "sca/8",     "tld,scr,sca/8"}},
  /* RCR-  */ {{"-",       "-",         "sta/2",     "irc,scr,scn/6", "4",         "5",         "scn/6",     "scn/7",     "scn/6",     "tld,scr,scn/6"}},
  /* RCA   */ {{"-",       "-",         "sta/2",     "sta/3",         "4",         "5",         "irc/7",     "scr/6x",    "irc,tlu/9", "tld,scr/6x"}},
  /* RCN   */ {{"-",       "-",         "sta/2",     "sta/3",         "4",         "5",         "irc,scr/6", "scr/6x",    "irc,scr/8", "tld,scr/6x"}},
  /* RTR   */ {{"-",       "-",         "sta/2",     "sta/3",         "sta/4",     "sta/5",     "sta/6",     "sta/6",     "sta/6",     "tld,zrc,sta/5"}},
  /* RTA   */ {{"-",       "-",         "2",         "3",             "tlf/2",     "tlf/3",     "6",         "6",         "8",         "tld,scr/6"}},
  /* RUC   */ {{"-",       "-",         "scj/2",     "scj/3",         "scj/4",     "scj/5",     "scj/6",     "scj/7",     "scj/8",     "scj/9"}},
  /* RXJ+  */ {{"-",       "-",         "2",         "3",             "4",         "5",         "6",         "6",         "8",         "9"}},
  /* RXJ-  */ {{"-",       "-",         "tlf/2",     "tlf/3",         "tlf/2",     "tlf/3",     "tlf/3",     "tlf/3",     "tlf/3",     "tld,irc,str/5"}},
  /* RXR   */ {{"-",       "-",         "2",         "3",             "4",         "5",         "6",         "7",         "8",         "ser/9"}},
}};
// clang-format on

constexpr std::array<std::string_view, 10> state_ids{"initial",  "starting", "closed",   "stopped",  "closing",
                                                     "stopping", "req_sent", "ack_rcvd", "ack_sent", "opened"};
constexpr std::array<std::string_view, 16> event_ids{
    "up",  "down", "open", "close", "to_plus", "to_minus", "rcr_plus",  "rcr_minus",
    "rca", "rcn",  "rtr",  "rta",   "ruc",     "rxj_plus", "rxj_minus", "rxr"};

struct rfc_action_name {
  std::string_view name;
  std::uint16_t bit;
};
constexpr std::array<rfc_action_name, 13> rfc_actions{{{"tlu", A::tlu},
                                                       {"tld", A::tld},
                                                       {"tls", A::tls},
                                                       {"tlf", A::tlf},
                                                       {"irc", A::irc},
                                                       {"zrc", A::zrc},
                                                       {"scr", A::scr},
                                                       {"sca", A::sca},
                                                       {"scn", A::scn},
                                                       {"str", A::str},
                                                       {"sta", A::sta},
                                                       {"scj", A::scj},
                                                       {"ser", A::ser}}};

/// An RFC cell as {next, actions}; "-" stays in `from` and counts a protocol error.
ppp_transition parse_cell(S from, std::string_view cell) {
  if (cell == "-") return {from, A::protocol_error};
  std::uint16_t actions = A::none;
  auto slash = cell.find('/');
  auto target = cell;
  if (slash != std::string_view::npos) {
    auto list = cell.substr(0, slash);
    target = cell.substr(slash + 1);
    while (!list.empty()) {
      auto comma = list.find(',');
      auto name = list.substr(0, comma);
      bool known = false;
      for (const auto& a : rfc_actions) {
        if (a.name == name) {
          actions |= a.bit;
          known = true;
        }
      }
      EXPECT_TRUE(known) << "unknown action '" << name << "' in cell " << cell;
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  // One digit, then at most one footnote letter.
  EXPECT_TRUE(!target.empty() && target[0] >= '0' && target[0] <= '9') << "bad cell " << cell;
  EXPECT_LE(target.size(), 2u) << "bad cell " << cell;
  if (target.size() == 2) {
    EXPECT_NE(std::string_view{"prx"}.find(target[1]), std::string_view::npos) << cell;
  }
  return {static_cast<S>(target.empty() ? 0 : target[0] - '0'), actions};
}

struct cell_case {
  S state;
  E event;
  std::string_view cell;
};

std::vector<cell_case> all_cells() {
  std::vector<cell_case> out;
  for (std::size_t s = 0; s < ppp_state_count; ++s) {
    for (std::size_t e = 0; e < ppp_event_count; ++e)
      out.push_back({static_cast<S>(s), static_cast<E>(e), rfc_table[e][s]});
  }
  return out;
}

/// gtest name of a cell: state__event, e.g. req_sent__rcr_plus.
std::string cell_name(const ::testing::TestParamInfo<cell_case>& param) {
  return std::string{state_ids[static_cast<std::size_t>(param.param.state)]} + "__" +
         std::string{event_ids[static_cast<std::size_t>(param.param.event)]};
}

class PppAutomatonRfcTable : public ::testing::TestWithParam<cell_case> {};

TEST_P(PppAutomatonRfcTable, Cell) {
  auto c = GetParam();
  auto want = parse_cell(c.state, c.cell);
  auto got = automaton_step(c.state, c.event);
  EXPECT_EQ(got.next, want.next) << to_string(c.state) << " + " << to_string(c.event) << " (RFC: " << c.cell << ") -> "
                                 << to_string(got.next);
  EXPECT_EQ(got.actions, want.actions) << to_string(c.state) << " + " << to_string(c.event) << " (RFC: " << c.cell
                                       << ") actions 0x" << std::hex << got.actions;
}

INSTANTIATE_TEST_SUITE_P(, PppAutomatonRfcTable, ::testing::ValuesIn(all_cells()), cell_name);

// The cells most often copied wrong, written out by hand: also checks parse_cell.
TEST(PppAutomaton, EasilyMisreadCells) {
  struct row {
    S from;
    E event;
    ppp_transition want;
  };
  const row rows[] = {
      {S::closed, E::rcr_plus, {S::closed, A::sta}},
      {S::stopped, E::rcr_plus, {S::ack_sent, A::irc | A::scr | A::sca}},
      {S::stopped, E::rcr_minus, {S::req_sent, A::irc | A::scr | A::scn}},
      {S::opened, E::rtr, {S::stopping, A::tld | A::zrc | A::sta}},
      {S::closing, E::rtr, {S::closing, A::sta}},
      {S::ack_rcvd, E::rca, {S::req_sent, A::scr}},
      {S::ack_rcvd, E::rcn, {S::req_sent, A::scr}},  // "scr/6x": no irc, unlike Req-Sent's "irc,scr/6"
      {S::req_sent, E::rcn, {S::req_sent, A::irc | A::scr}},
      {S::ack_sent, E::rca, {S::opened, A::irc | A::tlu}},
      {S::ack_sent, E::rcn, {S::ack_sent, A::irc | A::scr}},
      {S::opened, E::rcn, {S::req_sent, A::tld | A::scr}},
      {S::opened, E::rxj_minus, {S::stopping, A::tld | A::irc | A::str}},
      {S::ack_rcvd, E::rxj_plus, {S::req_sent, A::none}},
      {S::starting, E::close, {S::initial, A::tlf}},
      {S::starting, E::down, {S::starting, A::protocol_error}},
      {S::opened, E::to_plus, {S::opened, A::protocol_error}},
  };
  for (const auto& r : rows) {
    auto got = automaton_step(r.from, r.event);
    EXPECT_EQ(got.next, r.want.next) << to_string(r.from) << " + " << to_string(r.event);
    EXPECT_EQ(got.actions, r.want.actions) << to_string(r.from) << " + " << to_string(r.event);
    auto parsed = parse_cell(r.from, rfc_table[static_cast<std::size_t>(r.event)][static_cast<std::size_t>(r.from)]);
    EXPECT_EQ(parsed.next, r.want.next) << "rfc_table typo? " << to_string(r.from) << " + " << to_string(r.event);
    EXPECT_EQ(parsed.actions, r.want.actions) << "rfc_table typo? " << to_string(r.from) << " + " << to_string(r.event);
  }
}

TEST(PppAutomaton, OutOfRangeInputIsAProtocolError) {
  auto tr = automaton_step(S::opened, static_cast<E>(16));
  EXPECT_EQ(tr.next, S::opened);
  EXPECT_EQ(tr.actions, A::protocol_error);
  tr = automaton_step(static_cast<S>(10), E::up);
  EXPECT_EQ(tr.actions, A::protocol_error);
}

TEST(PppAutomaton, Names) {
  EXPECT_EQ(to_string(S::req_sent), "req-sent");
  EXPECT_EQ(to_string(E::rxj_minus), "rxj-");
  EXPECT_EQ(to_string(static_cast<S>(99)), "unknown");
  for (std::size_t s = 0; s < ppp_state_count; ++s) EXPECT_NE(to_string(static_cast<S>(s)), "unknown");
  for (std::size_t e = 0; e < ppp_event_count; ++e) EXPECT_NE(to_string(static_cast<E>(e)), "unknown");
}

TEST(PppAutomaton, RestartsTimer) {
  EXPECT_TRUE(A::restarts_timer(A::irc | A::scr));
  EXPECT_TRUE(A::restarts_timer(A::tld | A::irc | A::str));
  EXPECT_TRUE(A::restarts_timer(A::tld | A::zrc | A::sta));
  EXPECT_FALSE(A::restarts_timer(A::sca | A::tlu));
  EXPECT_FALSE(A::restarts_timer(A::protocol_error));
}

// ---- negotiation: the table plus the §4.6 counters ----

/// Drives a fresh automaton to Opened by the normal exchange.
negotiation opened(negotiation_config config = {}) {
  negotiation n{config};
  n.handle(E::open);
  n.handle(E::up);
  n.handle(E::rca);
  n.handle(E::rcr_plus);
  EXPECT_EQ(n.state(), S::opened);
  return n;
}

TEST(PppNegotiation, DefaultsAreTheRfcs) {
  const negotiation_config c;
  EXPECT_EQ(c.max_configure, 10u);
  EXPECT_EQ(c.max_terminate, 2u);
  EXPECT_EQ(c.max_failure, 5u);
  EXPECT_EQ(c.restart_timer, std::chrono::seconds{3});
  negotiation n;
  EXPECT_EQ(n.state(), S::initial);
  EXPECT_FALSE(n.timer_running());
  // Max-Configure: the first request counts down from 10.
  n.handle(E::open);
  n.handle(E::up);
  EXPECT_EQ(n.restart_counter(), 9u);
}

TEST(PppNegotiation, NormalOpen) {
  negotiation n;
  EXPECT_EQ(n.handle(E::open), A::tls);
  EXPECT_EQ(n.state(), S::starting);
  EXPECT_EQ(n.handle(E::up), A::irc | A::scr);
  EXPECT_EQ(n.state(), S::req_sent);
  EXPECT_TRUE(n.timer_running());
  EXPECT_EQ(n.handle(E::rca), A::irc);
  EXPECT_EQ(n.state(), S::ack_rcvd);
  EXPECT_TRUE(n.timer_running());
  EXPECT_EQ(n.handle(E::rcr_plus), A::sca | A::tlu);
  EXPECT_EQ(n.state(), S::opened);
  EXPECT_FALSE(n.timer_running());
  // Echo is answered only once opened.
  EXPECT_EQ(n.handle(E::rxr), A::ser);
}

TEST(PppNegotiation, UpThenOpenAndPeerFirst) {
  negotiation n;
  EXPECT_EQ(n.handle(E::up), A::none);
  EXPECT_EQ(n.state(), S::closed);
  EXPECT_EQ(n.handle(E::open), A::irc | A::scr);
  EXPECT_EQ(n.handle(E::rcr_plus), A::sca);
  EXPECT_EQ(n.state(), S::ack_sent);
  EXPECT_EQ(n.handle(E::rca), A::irc | A::tlu);
  EXPECT_EQ(n.state(), S::opened);
}

TEST(PppNegotiation, RestartCounterAfterIrc) {
  negotiation_config c;
  c.max_configure = 7;
  c.max_terminate = 3;
  negotiation n{c};
  n.handle(E::up);
  // irc,scr: Max-Configure, less the request just sent (§4.4: "including the first").
  n.handle(E::open);
  EXPECT_EQ(n.restart_counter(), 6u);
  // irc alone (irc/7): Max-Configure, nothing sent yet.
  n.handle(E::rca);
  EXPECT_EQ(n.restart_counter(), 7u);
  // scr without irc still counts.
  n.handle(E::rca);  // crossed: scr/6
  EXPECT_EQ(n.state(), S::req_sent);
  EXPECT_EQ(n.restart_counter(), 6u);
  // irc,str: Max-Terminate, less the request just sent.
  EXPECT_EQ(n.handle(E::close), A::irc | A::str);
  EXPECT_EQ(n.state(), S::closing);
  EXPECT_EQ(n.restart_counter(), 2u);
  // zrc: zero, so the next expiry is TO- after one pause.
  auto o = opened(c);
  EXPECT_EQ(o.handle(E::rtr), A::tld | A::zrc | A::sta);
  EXPECT_EQ(o.restart_counter(), 0u);
}

TEST(PppNegotiation, ConfigureTimeoutsUntilToMinus) {
  negotiation n;
  n.handle(E::up);
  std::uint32_t requests = 0;
  if (n.handle(E::open) & A::scr) ++requests;
  while (n.timeout_event() == E::to_plus) {
    EXPECT_TRUE(n.timer_running());
    auto actions = n.handle(E::to_plus);
    EXPECT_EQ(actions, A::scr);
    EXPECT_TRUE(A::restarts_timer(actions));
    ++requests;
    ASSERT_LE(requests, 10u);
  }
  EXPECT_EQ(requests, 10u);  // Max-Configure Configure-Requests in all
  EXPECT_EQ(n.handle(n.timeout_event()), A::tlf);
  EXPECT_EQ(n.state(), S::stopped);
  EXPECT_FALSE(n.timer_running());
}

TEST(PppNegotiation, TimeoutsInAckSentStayThere) {
  negotiation n;
  n.handle(E::up);
  n.handle(E::open);
  n.handle(E::rcr_plus);
  EXPECT_EQ(n.handle(n.timeout_event()), A::scr);
  EXPECT_EQ(n.state(), S::ack_sent);
}

TEST(PppNegotiation, TerminateExchange) {
  auto n = opened();
  EXPECT_EQ(n.handle(E::close), A::tld | A::irc | A::str);
  EXPECT_EQ(n.state(), S::closing);
  EXPECT_TRUE(n.timer_running());
  // Whatever the peer still sends is ignored, a Terminate-Request is acked.
  EXPECT_EQ(n.handle(E::rcr_plus), A::none);
  EXPECT_EQ(n.handle(E::rtr), A::sta);
  EXPECT_EQ(n.handle(E::rta), A::tlf);
  EXPECT_EQ(n.state(), S::closed);
  EXPECT_FALSE(n.timer_running());
  // Closed answers everything with Terminate-Ack.
  EXPECT_EQ(n.handle(E::rcr_plus), A::sta);
}

TEST(PppNegotiation, PeerTerminates) {
  auto n = opened();
  EXPECT_EQ(n.handle(E::rtr), A::tld | A::zrc | A::sta);
  EXPECT_EQ(n.state(), S::stopping);
  EXPECT_TRUE(n.timer_running());
  EXPECT_EQ(n.timeout_event(), E::to_minus);
  EXPECT_EQ(n.handle(E::to_minus), A::tlf);
  EXPECT_EQ(n.state(), S::stopped);
}

TEST(PppNegotiation, MaxTerminate) {
  auto n = opened();
  std::uint32_t requests = 0;
  if (n.handle(E::close) & A::str) ++requests;
  while (n.timeout_event() == E::to_plus) {
    EXPECT_EQ(n.handle(E::to_plus), A::str);
    EXPECT_EQ(n.state(), S::closing);
    ++requests;
    ASSERT_LE(requests, 2u);
  }
  EXPECT_EQ(requests, 2u);  // Max-Terminate Terminate-Requests in all
  EXPECT_EQ(n.handle(E::to_minus), A::tlf);
  EXPECT_EQ(n.state(), S::closed);
}

TEST(PppNegotiation, MaxFailureNakBudget) {
  negotiation n;
  n.handle(E::up);
  n.handle(E::open);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(n.nak_budget_exhausted()) << i;
    EXPECT_EQ(n.handle(E::rcr_minus), A::scn);
    EXPECT_EQ(n.state(), S::req_sent);
  }
  // Max-Failure Naks without an Ack: the caller rejects from now on.
  EXPECT_TRUE(n.nak_budget_exhausted());
  // Our own request being acked is not an Ack *sent*: still exhausted.
  EXPECT_EQ(n.handle(E::rca), A::irc);
  EXPECT_TRUE(n.nak_budget_exhausted());
  EXPECT_EQ(n.handle(E::rcr_minus), A::scn);
  EXPECT_EQ(n.state(), S::ack_rcvd);
  EXPECT_TRUE(n.nak_budget_exhausted());
  // Sending a Configure-Ack resets it.
  EXPECT_EQ(n.handle(E::rcr_plus), A::sca | A::tlu);
  EXPECT_FALSE(n.nak_budget_exhausted());
}

TEST(PppNegotiation, NakBudgetResetsWithANewNegotiation) {
  negotiation_config c;
  c.max_failure = 2;
  negotiation n{c};
  n.handle(E::up);
  n.handle(E::open);
  n.handle(E::rcr_minus);
  n.handle(E::rcr_minus);
  EXPECT_TRUE(n.nak_budget_exhausted());
  // Give up and start again: Stopped + RCR- is irc,scr,scn, the first Nak of a new negotiation.
  while (n.state() != S::stopped) n.handle(n.timeout_event());
  EXPECT_EQ(n.handle(E::rcr_minus), A::irc | A::scr | A::scn);
  EXPECT_FALSE(n.nak_budget_exhausted());
}

TEST(PppNegotiation, DownFromOpened) {
  auto n = opened();
  EXPECT_EQ(n.handle(E::down), A::tld);
  EXPECT_EQ(n.state(), S::starting);
  EXPECT_FALSE(n.timer_running());
  // The lower layer comes back: renegotiate.
  EXPECT_EQ(n.handle(E::up), A::irc | A::scr);
  EXPECT_EQ(n.state(), S::req_sent);
  EXPECT_EQ(n.restart_counter(), 9u);
}

TEST(PppNegotiation, RenegotiationFromOpened) {
  auto n = opened();
  EXPECT_EQ(n.handle(E::rcr_plus), A::tld | A::scr | A::sca);
  EXPECT_EQ(n.state(), S::ack_sent);
  EXPECT_TRUE(n.timer_running());
}

TEST(PppNegotiation, IllegalEventChangesNothing) {
  negotiation n;
  EXPECT_EQ(n.handle(E::rca), A::protocol_error);
  EXPECT_EQ(n.state(), S::initial);
  auto o = opened();
  auto counter = o.restart_counter();
  EXPECT_EQ(o.handle(E::to_plus), A::protocol_error);
  EXPECT_EQ(o.handle(E::up), A::protocol_error);
  EXPECT_EQ(o.handle(static_cast<E>(42)), A::protocol_error);
  EXPECT_EQ(o.state(), S::opened);
  EXPECT_EQ(o.restart_counter(), counter);
}

TEST(PppNegotiation, ZeroMaximaDoNotUnderflow) {
  negotiation n{negotiation_config{0, 0, 0, std::chrono::seconds{1}}};
  n.handle(E::up);
  EXPECT_EQ(n.handle(E::open), A::irc | A::scr);
  EXPECT_EQ(n.restart_counter(), 0u);
  EXPECT_EQ(n.timeout_event(), E::to_minus);
  EXPECT_TRUE(n.nak_budget_exhausted());
}

}  // namespace
}  // namespace bras::ppp
