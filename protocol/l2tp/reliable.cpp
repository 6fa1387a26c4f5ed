#include "protocol/l2tp/reliable.hpp"

#include <algorithm>

namespace bras::l2tp {

duration full_retransmission_cycle(const reliable_config& cfg) noexcept {
  duration total{0};
  duration t = cfg.initial_timeout;
  for (unsigned i = 0; i <= cfg.max_retransmits; ++i) {
    total += t;
    t = std::min(t * 2, cfg.max_timeout);
  }
  return total;
}

duration reliable_channel::timeout_for(unsigned round) const noexcept {
  duration t = cfg_.initial_timeout;
  for (unsigned i = 1; i < round && t < cfg_.max_timeout; ++i) t *= 2;
  return std::min(t, cfg_.max_timeout);
}

void reliable_channel::send(wire::bytes avps, time_point now, std::vector<outbound_frame>& out,
                            std::uint16_t session_id) {
  if (failed_) return;
  queue_.push_back({std::move(avps), session_id});
  transmit_queued(now, out);
}

void reliable_channel::transmit_queued(time_point now, std::vector<outbound_frame>& out) {
  while (!queue_.empty() && in_flight_.size() < peer_window_) {
    pending p{next_ns_++, std::move(queue_.front().avps), queue_.front().session_id};
    queue_.pop_front();
    out.push_back({p.ns, next_nr_, p.avps, false, p.session_id});
    sent_nr_ = next_nr_;
    in_flight_.push_back(std::move(p));
    ++stats_.tx_messages;
    ack_at_.reset();  // the Nr rides on this message
    if (!retransmit_at_) retransmit_at_ = now + timeout_for(1);
  }
}

void reliable_channel::send_ack_now(std::vector<outbound_frame>& out) {
  out.push_back({next_ns_, next_nr_, {}, false, 0});
  sent_nr_ = next_nr_;
  ++stats_.tx_zlb;
  ack_at_.reset();
}

void reliable_channel::acknowledge(std::uint16_t nr, time_point now) {
  // An Nr beyond what we have sent acknowledges nothing we know of: ignore it.
  if (seq_less(next_ns_, nr)) return;
  bool progressed = false;
  while (!in_flight_.empty() && seq_less(in_flight_.front().ns, nr)) {
    in_flight_.pop_front();
    progressed = true;
  }
  if (!progressed) return;
  timeouts_without_progress_ = 0;
  if (in_flight_.empty()) {
    retransmit_at_.reset();
  } else {
    retransmit_at_ = now + timeout_for(1);
  }
}

receive_verdict reliable_channel::receive(std::uint16_t ns, std::uint16_t nr, wire::byte_span avps, time_point now,
                                          std::vector<inbound_message>& deliver, std::vector<outbound_frame>& out,
                                          std::uint16_t session_id) {
  last_receive_ = now;
  acknowledge(nr, now);
  if (avps.empty()) {
    ++stats_.rx_zlb;
    transmit_queued(now, out);
    return receive_verdict::zlb;
  }
  if (ns == next_nr_) {
    ++stats_.rx_messages;
    deliver.push_back({wire::to_bytes(avps), session_id});
    ++next_nr_;
    for (auto it = out_of_order_.find(next_nr_); it != out_of_order_.end(); it = out_of_order_.find(next_nr_)) {
      deliver.push_back(std::move(it->second));
      out_of_order_.erase(it);
      ++next_nr_;
    }
    if (!ack_at_) ack_at_ = now + cfg_.ack_delay;
    transmit_queued(now, out);
    // Half our window unacknowledged: acknowledge now, or the peer stalls until the ack delay
    // (a busy LAC's calls would be paced at a window per ack delay).
    const auto unacked = static_cast<std::uint16_t>(next_nr_ - sent_nr_);
    if (ack_at_ && unacked >= std::max<std::uint16_t>(1, cfg_.receive_window / 2)) send_ack_now(out);
    return receive_verdict::delivered;
  }
  if (seq_less(ns, next_nr_)) {
    // Our acknowledgement was lost: say again what we have.
    ++stats_.rx_duplicates;
    send_ack_now(out);
    transmit_queued(now, out);
    return receive_verdict::duplicate;
  }
  auto ahead = static_cast<std::uint16_t>(ns - next_nr_);
  if (ahead < cfg_.receive_window && out_of_order_.size() < cfg_.receive_window) {
    ++stats_.rx_out_of_order;
    out_of_order_.emplace(ns, inbound_message{wire::to_bytes(avps), session_id});
    transmit_queued(now, out);
    return receive_verdict::buffered;
  }
  ++stats_.rx_out_of_window;
  transmit_queued(now, out);
  return receive_verdict::out_of_window;
}

void reliable_channel::on_timer(time_point now, std::vector<outbound_frame>& out) {
  if (ack_at_ && now >= *ack_at_) send_ack_now(out);
  if (!retransmit_at_ || now < *retransmit_at_ || in_flight_.empty()) return;
  ++stats_.ack_timeouts;
  // The retry budget counts timeouts in a row with no acknowledgement at all:
  // with go-back-N every timeout resends the whole window, so counting per
  // message would charge a message for its predecessors' losses.
  if (timeouts_without_progress_ >= cfg_.max_retransmits) {
    failed_ = true;
    retransmit_at_.reset();
    ack_at_.reset();
    return;
  }
  ++timeouts_without_progress_;
  for (auto& p : in_flight_) {
    out.push_back({p.ns, next_nr_, p.avps, true, p.session_id});
    sent_nr_ = next_nr_;
    ++stats_.retransmissions;
  }
  ack_at_.reset();
  retransmit_at_ = now + timeout_for(timeouts_without_progress_ + 1);
}

std::optional<time_point> reliable_channel::next_deadline() const noexcept {
  if (ack_at_ && retransmit_at_) return std::min(*ack_at_, *retransmit_at_);
  return ack_at_ ? ack_at_ : retransmit_at_;
}

}  // namespace bras::l2tp
