// Error-as-value result type for every decoder in protocol/.
//
// Decoders never throw and never assert on input: they return either the
// decoded value or an `error` naming what was wrong and where (the byte offset
// from the start of the buffer handed to the outermost decoder).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace bras::wire {

/// What went wrong while decoding and at which byte. `reason` always points to
/// a string literal, so errors are cheap to create and copy on the fast path.
struct error {
  std::string_view reason;
  std::size_t offset = 0;

  friend bool operator==(const error&, const error&) = default;
};

/// Human-readable "reason at offset N", for logs and test failures.
std::string to_string(const error& e);

/// A value or an error. A tiny stand-in for C++23 std::expected.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  result(error e) : state_(std::in_place_index<1>, e) {}                 // NOLINT: implicit by design

  [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  /// Precondition: ok().
  T& value() & { return *std::get_if<0>(&state_); }
  const T& value() const& { return *std::get_if<0>(&state_); }
  T&& value() && { return std::move(*std::get_if<0>(&state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return std::get_if<0>(&state_); }
  const T* operator->() const { return std::get_if<0>(&state_); }

  /// Precondition: !ok().
  [[nodiscard]] const error& err() const { return *std::get_if<1>(&state_); }

 private:
  std::variant<T, error> state_;
};

/// Result of a check() or of an operation that yields no value.
using status = result<std::monostate>;

inline status ok_status() {
  return status{std::monostate{}};
}

}  // namespace bras::wire
