#pragma once
// Exceptions thrown at the boundaries of core. Front ends show `what()` as it is, so every message
// names the file, key or value at fault.
#include <stdexcept>
#include <string>

namespace geo {

// Bad input from a user: a malformed file, a parameter out of range, a shape that does not fit.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A solve stopped because its cancel flag was raised.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace geo
