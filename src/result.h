// Result<T>: what a helper that can fail hands back to its handler — the value, or the error
// the client is to get, in Redis's exact text. The helper never writes the reply; the handler
// decides and writes the one reply: `if (!r) return ctx.reply.Error(r.error());`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace server {

// An error reply's text, including its code ("ERR syntax error", "WRONGTYPE ..."). Either one
// of src/errors.h's constants, held by view, or a text built by one of its functions (an
// owned string), so a fixed error costs no allocation. The constructors are explicit so that
// a Result<std::string_view> can never take its value for an error.
class Failure {
 public:
  // `constant` must outlive the Failure: pass only src/errors.h's constants.
  explicit constexpr Failure(std::string_view constant) : text_(constant) {}
  explicit Failure(std::string built) : text_(std::move(built)) {}
  explicit Failure(const char*) = delete;  // ambiguous lifetime: use a constant or a builder

  std::string_view text() const {
    if (const auto* view = std::get_if<std::string_view>(&text_)) return *view;
    return std::get<std::string>(text_);
  }

 private:
  std::variant<std::string_view, std::string> text_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Failure failure) : state_(std::in_place_index<1>, std::move(failure)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Only when ok().
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Only when !ok(). The text lives as long as this Result.
  std::string_view error() const { return std::get<1>(state_).text(); }
  // For passing the failure up unchanged: `if (!r) return r.failure();`.
  const Failure& failure() const& { return std::get<1>(state_); }
  Failure failure() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Failure> state_;
};

// Success without a value, or the error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure failure) : failure_(std::move(failure)), ok_(false) {}  // NOLINT: implicit

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }

  std::string_view error() const { return failure_.text(); }
  const Failure& failure() const& { return failure_; }
  Failure failure() && { return std::move(failure_); }

 private:
  Failure failure_{std::string_view()};
  bool ok_ = true;
};

}  // namespace server
