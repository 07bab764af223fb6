// Connection parameters as an ordered keyword/value list, parsed and checked by libpq.
// Owns conninfo parsing and the two ways repmgr prints one; does not connect (connection.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace repmgr::db {

class ConnInfo {
public:
    ConnInfo() = default;

    // Parses a keyword/value string or URI with libpq (PQconninfoParse). Keeps the non-empty
    // keywords in libpq's canonical order. Throws repmgr::Error(kBadConfig) with repmgr's
    // "unable to parse provided conninfo string" message + DETAIL on failure.
    static ConnInfo parse(std::string_view conninfo);
    // As parse(), but returns the libpq error text instead of throwing.
    static std::optional<ConnInfo> try_parse(std::string_view conninfo, std::string* error);

    std::optional<std::string> get(std::string_view key) const;
    bool has(std::string_view key) const { return get(key).has_value(); }
    // Updates the value in place if the keyword exists, else appends it (repmgr's param_set).
    void set(std::string_view key, std::string_view value);
    // Appends only if absent (repmgr's param_set_ine).
    void set_if_absent(std::string_view key, std::string_view value);
    void erase(std::string_view key);

    const std::vector<std::pair<std::string, std::string>>& params() const { return params_; }

    // "key=value key=value" without any quoting: how repmgr prints a conninfo in messages
    // ("attempted to connect using:"). Not re-parseable if a value contains a space.
    std::string to_display_string() const;
    // A conninfo string libpq parses back to exactly these parameters: values quoted with
    // '...' (backslash-escaping ' and \) when they contain anything but [A-Za-z0-9_.].
    std::string to_conninfo_string() const;

private:
    std::vector<std::pair<std::string, std::string>> params_;
};

// Quotes one conninfo value the way libpq expects (see ConnInfo::to_conninfo_string).
std::string quote_conninfo_value(std::string_view value);

}  // namespace repmgr::db
