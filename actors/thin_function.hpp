// A callback in two pointers, for the components of the session actor
// (100,000 of them): it holds a callable of at most one pointer's size
// that is trivially copyable, such as a lambda capturing only `this`,
// where std::function takes 32 bytes.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace bras::actors {

/// What fits: at most a pointer's size and alignment, trivially copyable, callable as R(Args...)
/// (a thin_function itself, two pointers, does not).
template <class F, class R, class... Args>
concept thin_callable =
    std::conjunction_v<std::bool_constant<sizeof(F) <= sizeof(void*)>, std::bool_constant<alignof(F) <= alignof(void*)>,
                       std::is_trivially_copyable<F>, std::is_invocable_r<R, const F&, Args...>>;

template <class Signature>
class thin_function;

template <class R, class... Args>
class thin_function<R(Args...)> {
 public:
  thin_function() noexcept = default;
  // Implicit, as std::function's: a lambda converts where a callback is taken.
  thin_function(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor)
  template <thin_callable<R, Args...> F>
  thin_function(F f) noexcept  // NOLINT(google-explicit-constructor)
      : call_{[](const void* at, Args... args) -> R {
          return (*std::launder(static_cast<const F*>(at)))(std::forward<Args>(args)...);
        }} {
    ::new (static_cast<void*>(&storage_)) F(f);
  }

  [[nodiscard]] explicit operator bool() const noexcept { return call_ != nullptr; }
  R operator()(Args... args) const { return call_(&storage_, std::forward<Args>(args)...); }

 private:
  alignas(void*) unsigned char storage_[sizeof(void*)]{};
  R (*call_)(const void*, Args...) = nullptr;
};

}  // namespace bras::actors
