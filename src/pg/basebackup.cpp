#include "repmgr/pg/basebackup.hpp"

#include <fmt/format.h>

#include "repmgr/common/process.hpp"
#include "repmgr/common/strings.hpp"

namespace repmgr::pg {
namespace {

enum class LongOpt { kNone, kSlot, kWalMethod, kWaldir, kNoSlot };

struct LongDef {
    std::string_view name;
    LongOpt opt;
    bool takes_value;
};

// The long options repmgr knows; their names changed in PostgreSQL 10 ("xlog" → "wal").
std::vector<LongDef> long_options(int server_version_num) {
    const bool pre10 = server_version_num < 100000;
    return {
        {"slot", LongOpt::kSlot, true},
        {pre10 ? "xlog-method" : "wal-method", LongOpt::kWalMethod, true},
        {pre10 ? "xlogdir" : "waldir", LongOpt::kWaldir, true},
        {"no-slot", LongOpt::kNoSlot, false},
    };
}

// getopt_long's matching: an exact name, else an unambiguous prefix.
const LongDef* match_long(std::string_view name, const std::vector<LongDef>& defs) {
    const LongDef* prefix_match = nullptr;
    int prefix_matches = 0;
    for (const auto& d : defs) {
        if (d.name == name) return &d;
        if (starts_with(d.name, name)) {
            prefix_match = &d;
            ++prefix_matches;
        }
    }
    return prefix_matches == 1 ? prefix_match : nullptr;
}

void store(BasebackupOptionsInfo& info, LongOpt opt, std::string value, int server_version_num) {
    switch (opt) {
        case LongOpt::kSlot: info.slot = std::move(value); break;
        case LongOpt::kWalMethod: info.wal_method = std::move(value); break;
        case LongOpt::kWaldir:
            if (value.empty() || value[0] != '/') {
                info.errors.push_back(fmt::format("--{} must be provided with an absolute path",
                                                  server_version_num < 100000 ? "xlogdir" : "waldir"));
            }
            info.waldir = std::move(value);
            break;
        case LongOpt::kNoSlot: info.no_slot = true; break;
        case LongOpt::kNone: break;
    }
}

// One "--name[=value]" word; may consume the next word as its value.
void read_long(BasebackupOptionsInfo& info, const std::vector<std::string>& words, size_t& i,
               int server_version_num) {
    std::string_view word = std::string_view(words[i]).substr(2);
    auto eq = word.find('=');
    std::string_view name = word.substr(0, eq);
    const auto defs = long_options(server_version_num);
    const LongDef* def = match_long(name, defs);
    if (def == nullptr) return;  // unknown to repmgr: left to pg_basebackup
    if (!def->takes_value) {
        store(info, def->opt, "", server_version_num);
        return;
    }
    if (eq != std::string_view::npos) {
        store(info, def->opt, std::string(word.substr(eq + 1)), server_version_num);
    } else if (i + 1 < words.size()) {
        store(info, def->opt, words[++i], server_version_num);
    }
}

// One "-abc" cluster of short options; -S and -X take the rest of the word or the next word.
void read_short(BasebackupOptionsInfo& info, const std::vector<std::string>& words, size_t& i,
                int server_version_num) {
    const std::string& word = words[i];
    for (size_t c = 1; c < word.size(); ++c) {
        if (word[c] != 'S' && word[c] != 'X') continue;
        const LongOpt opt = word[c] == 'S' ? LongOpt::kSlot : LongOpt::kWalMethod;
        if (c + 1 < word.size()) {
            store(info, opt, word.substr(c + 1), server_version_num);
        } else if (i + 1 < words.size()) {
            store(info, opt, words[++i], server_version_num);
        }
        return;
    }
}

std::string tablespace_arg(const config::TablespaceMapping& m) { return m.old_dir + "=" + m.new_dir; }

}  // namespace

BasebackupOptionsInfo parse_basebackup_options(std::string_view options, int server_version_num) {
    BasebackupOptionsInfo info;
    std::vector<std::string> words;
    for (auto& w : split(options, ' ')) {
        if (!w.empty()) words.push_back(std::move(w));
    }
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w == "--") break;
        if (starts_with(w, "--")) {
            read_long(info, words, i, server_version_num);
        } else if (w.size() > 1 && w[0] == '-') {
            read_short(info, words, i, server_version_num);
        }
    }
    if (info.no_slot) {
        if (info.slot) {
            info.errors.emplace_back("--no-slot cannot be used with -S/--slot");
        } else if (server_version_num < 100000) {
            info.errors.emplace_back("invalid use of --no-slot");
        }
    }
    return info;
}

BasebackupCommand build_basebackup_command(const BasebackupRequest& r) {
    BasebackupCommand cmd;
    cmd.display = r.program + " -l \"repmgr base backup\"  -D " + r.data_directory;
    cmd.shell = shell_quote(r.program) + " -l 'repmgr base backup' -D " + shell_quote(r.data_directory);
    auto add = [&cmd](std::string_view flag, const std::string& value) {
        cmd.display += fmt::format(" {} {}", flag, value);
        cmd.shell += fmt::format(" {} {}", flag, shell_quote(value));
    };
    if (r.conninfo) {
        cmd.display += " -d '" + r.conninfo->to_display_string() + "'";
        cmd.shell += " -d " + shell_quote(r.conninfo->to_conninfo_string());
    } else {
        if (!r.host.empty()) add("-h", r.host);
        if (!r.port.empty()) add("-p", r.port);
        if (!r.user.empty()) add("-U", r.user);
    }
    if (r.fast_checkpoint) {
        cmd.display += " -c fast";
        cmd.shell += " -c fast";
    }
    for (const auto& m : r.tablespaces) add("-T", tablespace_arg(m));
    if (r.wal_method_stream) {
        cmd.display += " -X stream";
        cmd.shell += " -X stream";
    }
    if (!r.slot.empty()) add("-S", r.slot);
    if (r.progress) cmd.shell += " --progress";
    cmd.display += " " + r.extra_options;
    cmd.shell += " " + r.extra_options;
    return cmd;
}

int run_basebackup(const BasebackupCommand& command) {
    CommandOptions options;
    options.capture_stdout = false;
    options.capture_stderr = false;
    options.own_process_group = false;  // Ctrl-C stops pg_basebackup too, as with system()
    return run_shell(command.shell, options).exit_status;
}

}  // namespace repmgr::pg
