// Building the answer to a peer's Configure-Request (RFC 1661 §5.2-5.4),
// and reading the peer's Configure-Reject of ours, shared by the LNS
// (negotiate.cpp) and the subscriber (client engine) engines: the peer's
// options are sorted into Rejects and Naks while its request is walked in
// order, and the answer is built once at the end.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "protocol/ppp/frame.hpp"

namespace bras::ppp {

/// `candidate` if it is nonzero and not `avoid`, else some value that is (no asserts on caller input).
template <class T>
inline T distinct_nonzero(T candidate, T avoid) noexcept {
  if (candidate != 0 && candidate != avoid) return candidate;
  const T next = static_cast<T>(avoid + 1);
  return next == 0 ? T{1} : next;
}

/// Our options without the rejected ones; nothing when the Reject does not answer our request
/// (identifier differs, or its options are not ours unmodified and in order, RFC 1661 §5.4).
template <class Option>
std::optional<std::vector<Option>> without_rejected(
    const configure_packet<control_code::configure_request, Option>& ours,
    const configure_packet<control_code::configure_reject, Option>& reject) {
  if (reject.identifier != ours.identifier) return std::nullopt;
  std::vector<Option> kept;
  std::size_t next_rejected = 0;
  for (const Option& o : ours.options) {
    if (next_rejected < reject.options.size() && reject.options[next_rejected] == o) {
      ++next_rejected;
    } else {
      kept.push_back(o);
    }
  }
  if (next_rejected != reject.options.size()) return std::nullopt;
  return kept;
}

/// Sorts the peer's options into Rejects and Naks while walking its request in order,
/// then builds the RFC 1661 §5.2-5.4 answer: Reject if anything is rejected, else Nak
/// if anything is Nak'd, else Ack of the request as received.
template <class Option>
class answer_builder {
 public:
  explicit answer_builder(bool nak_budget_exhausted) : nak_budget_exhausted_{nak_budget_exhausted} {}

  void reject(const Option& received) { rejected_.push_back(received); }
  /// Suggests `wanted` for `received`, or Rejects `received` once the Nak budget is spent.
  void nak(const Option& received, Option wanted) {
    if (nak_budget_exhausted_) {
      rejected_.push_back(received);
    } else {
      naked_.push_back(std::move(wanted));
    }
  }
  /// Suggests an option the peer did not send (RFC 1661 §5.3), unless the Nak budget is spent.
  void hint(Option wanted) {
    if (!nak_budget_exhausted_) naked_.push_back(std::move(wanted));
  }

  template <class Packet>
  [[nodiscard]] Packet build(const configure_packet<control_code::configure_request, Option>& peer) && {
    if (!rejected_.empty()) {
      return configure_packet<control_code::configure_reject, Option>{peer.identifier, std::move(rejected_)};
    }
    if (!naked_.empty()) {
      return configure_packet<control_code::configure_nak, Option>{peer.identifier, std::move(naked_)};
    }
    return configure_packet<control_code::configure_ack, Option>{peer.identifier, peer.options};
  }

 private:
  bool nak_budget_exhausted_;
  std::vector<Option> rejected_;
  std::vector<Option> naked_;
};

}  // namespace bras::ppp
