#include "protocol/ppp/automaton.hpp"

#include <array>

namespace bras::ppp {

namespace {

using namespace ppp_action;

// The RFC numbers its states; so does the table, to be read beside it.
constexpr ppp_state s0 = ppp_state::initial;
constexpr ppp_state s1 = ppp_state::starting;
constexpr ppp_state s2 = ppp_state::closed;
constexpr ppp_state s3 = ppp_state::stopped;
constexpr ppp_state s4 = ppp_state::closing;
constexpr ppp_state s5 = ppp_state::stopping;
constexpr ppp_state s6 = ppp_state::req_sent;
constexpr ppp_state s7 = ppp_state::ack_rcvd;
constexpr ppp_state s8 = ppp_state::ack_sent;
constexpr ppp_state s9 = ppp_state::opened;

/// "actions/next" in the RFC's notation.
constexpr ppp_transition go(ppp_state next, std::uint16_t actions = none) {
  return {next, actions};
}
/// "-": an illegal transition. The state is filled in by automaton_step.
constexpr ppp_transition ill{s0, protocol_error};

// RFC 1661 §4.1 laid out as printed: rows are events, columns states 0-9.
// The RFC's footnote letters do not change a cell; this table is the default
// behaviour and the caller may implement the options around it:
//   p (TO- in 6, 7, 8 -> 3): Passive option, stay in Stopped waiting for the peer.
//   r (Open in 3, 4, 5, 9): Restart option; the default keeps the state, a
//     caller wanting a restart feeds Down then Up itself.
//   x (RCA/RCN in 7 and 9): crossed connection, renegotiate from Req-Sent.
// Opened's tld (Down, Close, RCR, RCA, RCN, RTR, RTA, RXJ-) always comes first.
// clang-format off
constexpr std::array<std::array<ppp_transition, ppp_state_count>, ppp_event_count> table{{
  //        0 initial     1 starting         2 closed           3 stopped                 4 closing          5 stopping         6 req-sent          7 ack-rcvd          8 ack-sent          9 opened
  /* Up    */ {{go(s2),      go(s6, irc | scr), ill,               ill,                      ill,               ill,               ill,                ill,                ill,                ill}},
  /* Down  */ {{ill,         ill,               go(s0),            go(s1, tls),              go(s0),            go(s1),            go(s1),             go(s1),             go(s1),             go(s1, tld)}},
  /* Open  */ {{go(s1, tls), go(s1),            go(s6, irc | scr), go(s3),                   go(s5),            go(s5),            go(s6),             go(s7),             go(s8),             go(s9)}},
  /* Close */ {{go(s0),      go(s0, tlf),       go(s2),            go(s2),                   go(s4),            go(s4),            go(s4, irc | str),  go(s4, irc | str),  go(s4, irc | str),  go(s4, tld | irc | str)}},
  /* TO+   */ {{ill,         ill,               ill,               ill,                      go(s4, str),       go(s5, str),       go(s6, scr),        go(s6, scr),        go(s8, scr),        ill}},
  /* TO-   */ {{ill,         ill,               ill,               ill,                      go(s2, tlf),       go(s3, tlf),       go(s3, tlf),        go(s3, tlf),        go(s3, tlf),        ill}},
  /* RCR+  */ {{ill,         ill,               go(s2, sta),       go(s8, irc | scr | sca),  go(s4),            go(s5),            go(s8, sca),        go(s9, sca | tlu),  go(s8, sca),        go(s8, tld | scr | sca)}},
  /* RCR-  */ {{ill,         ill,               go(s2, sta),       go(s6, irc | scr | scn),  go(s4),            go(s5),            go(s6, scn),        go(s7, scn),        go(s6, scn),        go(s6, tld | scr | scn)}},
  /* RCA   */ {{ill,         ill,               go(s2, sta),       go(s3, sta),              go(s4),            go(s5),            go(s7, irc),        go(s6, scr),        go(s9, irc | tlu),  go(s6, tld | scr)}},
  /* RCN   */ {{ill,         ill,               go(s2, sta),       go(s3, sta),              go(s4),            go(s5),            go(s6, irc | scr),  go(s6, scr),        go(s8, irc | scr),  go(s6, tld | scr)}},
  /* RTR   */ {{ill,         ill,               go(s2, sta),       go(s3, sta),              go(s4, sta),       go(s5, sta),       go(s6, sta),        go(s6, sta),        go(s6, sta),        go(s5, tld | zrc | sta)}},
  /* RTA   */ {{ill,         ill,               go(s2),            go(s3),                   go(s2, tlf),       go(s3, tlf),       go(s6),             go(s6),             go(s8),             go(s6, tld | scr)}},
  /* RUC   */ {{ill,         ill,               go(s2, scj),       go(s3, scj),              go(s4, scj),       go(s5, scj),       go(s6, scj),        go(s7, scj),        go(s8, scj),        go(s9, scj)}},
  /* RXJ+  */ {{ill,         ill,               go(s2),            go(s3),                   go(s4),            go(s5),            go(s6),             go(s6),             go(s8),             go(s9)}},
  /* RXJ-  */ {{ill,         ill,               go(s2, tlf),       go(s3, tlf),              go(s2, tlf),       go(s3, tlf),       go(s3, tlf),        go(s3, tlf),        go(s3, tlf),        go(s5, tld | irc | str)}},
  /* RXR   */ {{ill,         ill,               go(s2),            go(s3),                   go(s4),            go(s5),            go(s6),             go(s7),             go(s8),             go(s9, ser)}},
}};
// clang-format on

/// Mid-negotiation; an scr from any other state starts a new negotiation.
constexpr bool negotiating(ppp_state s) {
  return s == ppp_state::req_sent || s == ppp_state::ack_rcvd || s == ppp_state::ack_sent;
}

}  // namespace

ppp_transition automaton_step(ppp_state s, ppp_event e) noexcept {
  auto si = static_cast<std::size_t>(s);
  auto ei = static_cast<std::size_t>(e);
  if (si >= ppp_state_count || ei >= ppp_event_count) return {s, protocol_error};
  auto tr = table[ei][si];
  if ((tr.actions & protocol_error) != 0) return {s, protocol_error};
  return tr;
}

std::uint16_t negotiation::handle(ppp_event e) noexcept {
  auto tr = automaton_step(state_, e);
  if ((tr.actions & protocol_error) != 0) return tr.actions;
  // irc precedes the send it guards (§4.4): Max-Terminate for a
  // Terminate-Request, otherwise Max-Configure (also for irc/7 and irc,tlu/9,
  // which send nothing yet but wait on or finish a configure exchange).
  if ((tr.actions & irc) != 0) {
    restart_counter_ = (tr.actions & str) != 0 ? max_terminate_ : max_configure_;
  }
  if ((tr.actions & zrc) != 0) restart_counter_ = 0;
  // "The counter is decremented for each transmission, including the first"
  // (§4.4 irc), so Max-Configure counts every Configure-Request sent.
  if ((tr.actions & (scr | str)) != 0 && restart_counter_ > 0) --restart_counter_;
  // Max-Failure counts Configure-Naks sent without sending a Configure-Ack
  // (§4.6), within one negotiation.
  if ((tr.actions & scr) != 0 && !negotiating(state_)) naks_sent_ = 0;
  if ((tr.actions & sca) != 0) naks_sent_ = 0;
  if ((tr.actions & scn) != 0 && naks_sent_ < max_failure_) ++naks_sent_;
  state_ = tr.next;
  return tr.actions;
}

bool negotiation::timer_running() const noexcept {
  switch (state_) {
    case ppp_state::closing:
    case ppp_state::stopping:
    case ppp_state::req_sent:
    case ppp_state::ack_rcvd:
    case ppp_state::ack_sent: return true;
    case ppp_state::initial:
    case ppp_state::starting:
    case ppp_state::closed:
    case ppp_state::stopped:
    case ppp_state::opened: return false;
  }
  return false;
}

std::string_view to_string(ppp_state s) noexcept {
  switch (s) {
    case ppp_state::initial: return "initial";
    case ppp_state::starting: return "starting";
    case ppp_state::closed: return "closed";
    case ppp_state::stopped: return "stopped";
    case ppp_state::closing: return "closing";
    case ppp_state::stopping: return "stopping";
    case ppp_state::req_sent: return "req-sent";
    case ppp_state::ack_rcvd: return "ack-rcvd";
    case ppp_state::ack_sent: return "ack-sent";
    case ppp_state::opened: return "opened";
  }
  return "unknown";
}

std::string_view to_string(ppp_event e) noexcept {
  switch (e) {
    case ppp_event::up: return "up";
    case ppp_event::down: return "down";
    case ppp_event::open: return "open";
    case ppp_event::close: return "close";
    case ppp_event::to_plus: return "to+";
    case ppp_event::to_minus: return "to-";
    case ppp_event::rcr_plus: return "rcr+";
    case ppp_event::rcr_minus: return "rcr-";
    case ppp_event::rca: return "rca";
    case ppp_event::rcn: return "rcn";
    case ppp_event::rtr: return "rtr";
    case ppp_event::rta: return "rta";
    case ppp_event::ruc: return "ruc";
    case ppp_event::rxj_plus: return "rxj+";
    case ppp_event::rxj_minus: return "rxj-";
    case ppp_event::rxr: return "rxr";
  }
  return "unknown";
}

}  // namespace bras::ppp
