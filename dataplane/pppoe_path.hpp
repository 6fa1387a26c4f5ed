// The LAC's PPPoE data plane: PPPoE session frames from subscribers on the
// access interfaces become L2TP data messages to the LNS, and the LNS's PPP
// frames go back out as PPPoE session frames, both on the I/O thread without
// an actor per packet once the call is relaying. Discovery frames, and the
// PPP frames of sessions still negotiating LCP and authentication at the
// LAC, go up through the sinks (dataplane/access.hpp, session_table.hpp).
#pragma once

#include <cstdint>
#include <span>

#include "dataplane/access.hpp"
#include "dataplane/session_table.hpp"
#include "dataplane/transport.hpp"
#include "model/counters.hpp"
#include "protocol/common/bytes.hpp"

namespace bras::dataplane {

class pppoe_path {
 public:
  pppoe_path(session_table& sessions, model::counters& stats, frame_sender& access, transport& l2tp,
             discovery_sink& discovery);

  /// I/O thread: one Ethernet frame received on access port `port` (VLAN tags
  /// present in the bytes). Rewritten in place: the L2TP headers go where the
  /// Ethernet and PPPoE headers were.
  void from_access(std::uint16_t port, std::span<std::byte> frame) noexcept;
  /// Any thread: a PPP frame (protocol field onwards, no FF03) to the
  /// subscriber of `s` in a PPPoE session frame. False when it was not sent
  /// (already counted in pppoe_tx_errors: the caller need not count it).
  bool to_client(const data_session& s, wire::byte_span ppp) noexcept;
  /// I/O thread (from data_path::from_l2tp): a PPP frame the LNS sent on a
  /// relaying LAC session (FF03 may lead).
  void from_lns(data_session& s, std::span<std::byte> ppp) noexcept;

 private:
  void session_frame(std::uint16_t port, const eth::header& hdr, std::span<std::byte> frame,
                     std::size_t pppoe_at) noexcept;
  /// Answers an LCP Echo-Request in `ppp` with our magic; false if it is not one.
  bool answer_echo(const data_session& s, wire::byte_span ppp) noexcept;
  /// Frames `ppp` for the subscriber and sends it; false when it could not be.
  bool send_to_client(const pppoe_leg& leg, wire::byte_span ppp) noexcept;

  session_table& sessions_;
  model::counters& stats_;
  frame_sender& access_;
  transport& l2tp_;
  discovery_sink& discovery_;
};

}  // namespace bras::dataplane
