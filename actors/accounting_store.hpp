// The accounting spool as the accounting actor sees it (io/acct_spool.*
// implements it on disk): append-only, every record written before it is
// first sent, acknowledged once a server answered, replayed after a crash or
// restart. Bounded: append() refuses when the spool is full, and the actor
// applies the operator's when-full policy.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/common/bytes.hpp"

namespace bras::actors {

/// What is kept of one record in memory: the record itself stays on disk until it is sent.
struct spooled_record {
  std::uint64_t seq = 0;
  std::uint32_t written_unix = 0;  ///< when it was first written (Acct-Delay-Time counts from here)
  std::uint8_t kind = 0;           ///< radius::acct_status as a byte (start, stop, interim, on, off)
  std::uint32_t size = 0;          ///< bytes of the record
};

class accounting_store {
 public:
  virtual ~accounting_store() = default;
  /// The boot number: one more than at the last start (persisted in the spool directory).
  [[nodiscard]] virtual std::uint32_t boot() const noexcept = 0;
  /// Writes a record (an encoded, unsealed Accounting-Request without Acct-Delay-Time); its
  /// description, or nullopt when the spool is full or the write failed (errno in last_error()).
  virtual std::optional<spooled_record> append(wire::byte_span record, std::uint8_t kind, std::uint32_t now_unix) = 0;
  /// Reads a pending record back; nullopt if it is gone or unreadable.
  [[nodiscard]] virtual std::optional<wire::bytes> read(std::uint64_t seq) = 0;
  /// The record was delivered (or dropped by policy): it is never replayed.
  virtual void acknowledge(std::uint64_t seq) = 0;
  /// fsync what was written since the last sync (the actor calls this on its fsync interval).
  virtual void sync() = 0;
  /// The records not yet acknowledged, oldest first (after open: what a crash left behind).
  [[nodiscard]] virtual std::vector<spooled_record> pending() const = 0;
  [[nodiscard]] virtual std::uint64_t bytes() const noexcept = 0;
  [[nodiscard]] virtual std::uint64_t max_bytes() const noexcept = 0;
  [[nodiscard]] virtual std::uint64_t fsyncs() const noexcept = 0;
  /// Bytes of memory the store itself holds (its index), for the spool's RSS figure.
  [[nodiscard]] virtual std::size_t memory_bytes() const noexcept = 0;
  [[nodiscard]] virtual int last_error() const noexcept = 0;
};

}  // namespace bras::actors
