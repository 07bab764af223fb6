// Result<T>: a value or the Error explaining why there is none. For expected failures
// (a node that may be down) that the caller handles rather than aborting the command.
#pragma once

#include <utility>
#include <variant>

#include "repmgr/common/error.hpp"

namespace repmgr {

template <typename T, typename E = Error>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}              // NOLINT(google-explicit-constructor)
    Result(E error) : v_(std::move(error)) {}              // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return ok(); }

    // REQUIRES: ok()
    T& value() & { return std::get<T>(v_); }
    const T& value() const& { return std::get<T>(v_); }
    T&& value() && { return std::get<T>(std::move(v_)); }
    T* operator->() { return &std::get<T>(v_); }
    const T* operator->() const { return &std::get<T>(v_); }

    // REQUIRES: !ok()
    const E& error() const { return std::get<E>(v_); }

    // The value, or throws the error.
    T take() && {
        if (!ok()) throw std::get<E>(v_);
        return std::get<T>(std::move(v_));
    }

private:
    std::variant<T, E> v_;
};

}  // namespace repmgr
