#include "repmgr/db/conninfo.hpp"

#include <libpq-fe.h>

#include <memory>

#include "repmgr/common/error.hpp"
#include "repmgr/common/strings.hpp"

namespace repmgr::db {
namespace {

struct OptionsDeleter {
    void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};

}  // namespace

std::optional<ConnInfo> ConnInfo::try_parse(std::string_view conninfo, std::string* error) {
    std::string text(conninfo);
    char* errmsg = nullptr;
    std::unique_ptr<PQconninfoOption, OptionsDeleter> opts(PQconninfoParse(text.c_str(), &errmsg));
    if (!opts) {
        if (error) *error = errmsg ? errmsg : "out of memory";
        if (errmsg) PQfreemem(errmsg);
        return std::nullopt;
    }
    ConnInfo info;
    for (PQconninfoOption* o = opts.get(); o->keyword != nullptr; ++o) {
        if (o->val != nullptr && o->val[0] != '\0') {
            info.params_.emplace_back(o->keyword, o->val);
        }
    }
    return info;
}

ConnInfo ConnInfo::parse(std::string_view conninfo) {
    std::string error;
    auto info = try_parse(conninfo, &error);
    if (!info) {
        throw Error(ExitCode::kBadConfig,
                    "unable to parse provided conninfo string \"" + std::string(conninfo) + "\"")
            .detail(trim(error));
    }
    return *info;
}

std::optional<std::string> ConnInfo::get(std::string_view key) const {
    for (const auto& [k, v] : params_) {
        if (k == key) return v;
    }
    return std::nullopt;
}

void ConnInfo::set(std::string_view key, std::string_view value) {
    for (auto& [k, v] : params_) {
        if (k == key) {
            v = value;
            return;
        }
    }
    params_.emplace_back(key, value);
}

void ConnInfo::set_if_absent(std::string_view key, std::string_view value) {
    if (!has(key)) params_.emplace_back(key, value);
}

void ConnInfo::erase(std::string_view key) {
    std::erase_if(params_, [&](const auto& p) { return p.first == key; });
}

std::string ConnInfo::to_display_string() const {
    std::string out;
    for (const auto& [k, v] : params_) {
        if (!out.empty()) out += ' ';
        out += k + "=" + v;
    }
    return out;
}

std::string quote_conninfo_value(std::string_view value) {
    bool plain = !value.empty();
    for (char c : value) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.';
        if (!ok) {
            plain = false;
            break;
        }
    }
    if (plain) return std::string(value);
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    out += '\'';
    return out;
}

std::string ConnInfo::to_conninfo_string() const {
    std::string out;
    for (const auto& [k, v] : params_) {
        if (!out.empty()) out += ' ';
        out += k + "=" + quote_conninfo_value(v);
    }
    return out;
}

}  // namespace repmgr::db
