#pragma once
// The names of an enum's values, written once as a table that both directions read: parsing a name
// a user typed (InputError listing the known ones) and naming a value.
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.h"

namespace geo {

template <typename E>
using NameTable = std::initializer_list<std::pair<E, const char*>>;

template <typename E>
E parseNamed(const std::string& what, const std::string& name, NameTable<E> table) {
    std::vector<std::string> known;
    for (const auto& [value, n] : table) {
        if (name == n) return value;
        known.emplace_back(n);
    }
    throw unknownNameError(what, name, known);
}

template <typename E>
std::string nameOf(E value, NameTable<E> table) {
    for (const auto& [v, n] : table)
        if (v == value) return n;
    return "unknown";
}

}  // namespace geo
