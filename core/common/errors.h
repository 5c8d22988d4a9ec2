#pragma once
// Exceptions thrown at the boundaries of core. Front ends show `what()` as it is, so every message
// names the file, key or value at fault.
#include <stdexcept>
#include <string>
#include <vector>

namespace geo {

// Bad input from a user: a malformed file, a parameter out of range, a shape that does not fit.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// `unknown <what> "<name>" (known: a, b, c)`: the message for a name outside a fixed set.
inline InputError unknownNameError(const std::string& what, const std::string& name, const std::vector<std::string>& known) {
    std::string list;
    for (const std::string& n : known) list += (list.empty() ? "" : ", ") + n;
    return InputError("unknown " + what + " \"" + name + "\" (known: " + list + ")");
}

// A solve stopped because its cancel flag was raised.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace geo
