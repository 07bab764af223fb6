// Parsing `ssh_options` the way ssh's own command line reads it (getopt letters, bundling,
// "-oKey=Value" / "-o 'Key Value'", first value wins) and resolving it into SshSettings.
#include "repmgr/remote/ssh_options.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include "repmgr/common/strings.hpp"

namespace repmgr::remote {
namespace {

using namespace std::string_view_literals;

// ssh's single-letter options (OpenSSH 9): those without and those with an argument.
constexpr std::string_view kSshFlags = "46AaCfGgKkMNnqsTtVvXxYy";
constexpr std::string_view kSshArgOptions = "BbcDEeFIiJLlmOoPpQRSWw";
// Flags that change nothing for us: no pty, no stdin, no forwarding is ever requested.
constexpr std::string_view kNoOpFlags = "Tnaxk";

std::string unsupported(std::string_view what) {
    return "ssh option \"" + std::string(what) +
           "\" is not supported by this implementation and is ignored";
}

std::string invalid(std::string_view what, std::string_view why) {
    return "ssh option \"" + std::string(what) + "\" is ignored: " + std::string(why);
}

std::optional<bool> parse_yes_no(std::string_view value) {
    if (iequals(value, "yes") || iequals(value, "true")) return true;
    if (iequals(value, "no") || iequals(value, "false")) return false;
    return std::nullopt;
}

std::optional<int> parse_port(std::string_view value) {
    const std::optional<int> port = parse_int_strict(value);
    if (!port || *port < 1 || *port > 65535) return std::nullopt;
    return port;
}

// "F1 F2" (blank-separated, as ssh's UserKnownHostsFile) or "none".
std::vector<std::string> parse_file_list(std::string_view value) {
    if (iequals(trim(value), "none")) return {};
    std::vector<std::string> files;
    for (const std::string& word : split_shell_words(value)) {
        if (!word.empty()) files.push_back(word);
    }
    return files;
}

template <typename T>
void set_once(std::optional<T>& slot, T value) {
    if (!slot) slot = std::move(value);
}

class Parser {
  public:
    explicit Parser(SshOptions& out) : out_(out) {}

    void parse(const std::vector<std::string>& words) {
        for (std::size_t i = 0; i < words.size(); ++i) {
            const std::string& word = words[i];
            if (word.size() < 2 || word[0] != '-') {
                out_.warnings.push_back(unsupported(word));
                continue;
            }
            if (word == "--") {
                for (++i; i < words.size(); ++i) out_.warnings.push_back(unsupported(words[i]));
                break;
            }
            i = parse_bundle(words, i);
        }
    }

  private:
    // One "-xyz" word (getopt bundling); returns the index of the last word consumed.
    std::size_t parse_bundle(const std::vector<std::string>& words, std::size_t i) {
        const std::string& word = words[i];
        for (std::size_t pos = 1; pos < word.size(); ++pos) {
            const char letter = word[pos];
            if (kSshArgOptions.find(letter) != std::string_view::npos) {
                std::string value;
                if (pos + 1 < word.size()) {
                    value = word.substr(pos + 1);
                } else if (i + 1 < words.size()) {
                    value = words[++i];
                } else {
                    out_.warnings.push_back(invalid(std::string("-") + letter, "missing value"));
                    return i;
                }
                option_with_value(letter, value);
                return i;
            }
            if (kSshFlags.find(letter) != std::string_view::npos) {
                flag(letter);
            } else {
                out_.warnings.push_back(invalid(std::string("-") + letter, "not an option of ssh"));
            }
        }
        return i;
    }

    void flag(char letter) {
        switch (letter) {
            case 'q':
                out_.quiet = true;
                return;
            case '4':
                set_once(out_.address_family, AddressFamily::kInet);
                return;
            case '6':
                set_once(out_.address_family, AddressFamily::kInet6);
                return;
            case 'C':
                set_once(out_.compression, true);
                return;
            default:
                break;
        }
        if (kNoOpFlags.find(letter) != std::string_view::npos) return;
        out_.warnings.push_back(unsupported(std::string("-") + letter));
    }

    void option_with_value(char letter, const std::string& value) {
        const std::string shown = std::string("-") + letter + " " + value;
        switch (letter) {
            case 'p':
                port(value, shown);
                return;
            case 'l':
                set_once(out_.user, value);
                return;
            case 'i':
                out_.identity_files.push_back(value);
                return;
            case 'o':
                config_option(value);
                return;
            default:
                out_.warnings.push_back(unsupported(shown));
                return;
        }
    }

    void port(std::string_view value, std::string_view shown) {
        if (const std::optional<int> p = parse_port(value)) {
            set_once(out_.port, *p);
        } else {
            out_.warnings.push_back(invalid(shown, "not a valid port number"));
        }
    }

    // "-o Key=Value" or "-o 'Key Value'" (ssh_config syntax, keys case-insensitive).
    void config_option(const std::string& text) {
        const std::string shown = "-o " + text;
        const std::size_t sep = text.find_first_of("= \t");
        if (sep == std::string::npos) {
            out_.warnings.push_back(invalid(shown, "missing value"));
            return;
        }
        const std::string key = trim(std::string_view(text).substr(0, sep));
        std::string value = trim(std::string_view(text).substr(sep + 1));
        if (!value.empty() && value.front() == '=') value = trim(std::string_view(value).substr(1));
        if (key.empty() || value.empty()) {
            out_.warnings.push_back(invalid(shown, "missing value"));
            return;
        }
        if (!config_keyword(to_lower(key), value, shown)) {
            out_.warnings.push_back(unsupported(shown));
        }
    }

    // Returns false for keywords we do not support.
    bool config_keyword(const std::string& key, const std::string& value, std::string_view shown) {
        if (key == "port") {
            port(value, shown);
        } else if (key == "user") {
            set_once(out_.user, value);
        } else if (key == "identityfile") {
            out_.identity_files.push_back(value);
        } else if (key == "connecttimeout") {
            if (const auto t = parse_ssh_time(value)) {
                set_once(out_.connect_timeout, *t);
            } else {
                out_.warnings.push_back(invalid(shown, "not a valid time"));
            }
        } else if (key == "stricthostkeychecking") {
            strict_host_key_checking(value, shown);
        } else if (key == "userknownhostsfile") {
            set_once(out_.user_known_hosts_files, parse_file_list(value));
        } else if (key == "globalknownhostsfile") {
            set_once(out_.global_known_hosts_files, parse_file_list(value));
        } else if (key == "addressfamily") {
            address_family(value, shown);
        } else if (key == "compression") {
            yes_no(value, shown, [this](bool v) { set_once(out_.compression, v); });
        } else if (key == "batchmode" || key == "identitiesonly") {
            yes_no(value, shown, [](bool) {});  // always batch; an agent is never used
        } else if (key == "loglevel") {
            const std::string level = to_lower(value);
            if (level == "quiet" || level == "fatal" || level == "error") out_.quiet = true;
        } else {
            return false;
        }
        return true;
    }

    template <typename F>
    void yes_no(std::string_view value, std::string_view shown, F apply) {
        if (const std::optional<bool> v = parse_yes_no(value)) {
            apply(*v);
        } else {
            out_.warnings.push_back(invalid(shown, "expected \"yes\" or \"no\""));
        }
    }

    void strict_host_key_checking(const std::string& value, std::string_view shown) {
        const std::string v = to_lower(value);
        if (v == "yes" || v == "true" || v == "ask") {
            set_once(out_.strict_host_key_checking, StrictHostKeyChecking::kYes);
        } else if (v == "accept-new") {
            set_once(out_.strict_host_key_checking, StrictHostKeyChecking::kAcceptNew);
        } else if (v == "no" || v == "false" || v == "off") {
            set_once(out_.strict_host_key_checking, StrictHostKeyChecking::kNo);
        } else {
            out_.warnings.push_back(
                invalid(shown, "expected \"yes\", \"accept-new\", \"no\", \"off\" or \"ask\""));
        }
    }

    void address_family(const std::string& value, std::string_view shown) {
        const std::string v = to_lower(value);
        if (v == "any") {
            set_once(out_.address_family, AddressFamily::kAny);
        } else if (v == "inet") {
            set_once(out_.address_family, AddressFamily::kInet);
        } else if (v == "inet6") {
            set_once(out_.address_family, AddressFamily::kInet6);
        } else {
            out_.warnings.push_back(invalid(shown, "expected \"any\", \"inet\" or \"inet6\""));
        }
    }

    SshOptions& out_;
};

std::string expand_tilde(const std::string& path, const std::string& home) {
    if (path == "~") return home;
    if (starts_with(path, "~/")) return home + path.substr(1);
    return path;
}

std::vector<std::string> expand_all(const std::vector<std::string>& paths,
                                    const std::string& home) {
    std::vector<std::string> out;
    out.reserve(paths.size());
    for (const std::string& p : paths) out.push_back(expand_tilde(p, home));
    return out;
}

}  // namespace

std::vector<std::string> split_shell_words(std::string_view text,
                                           std::vector<std::string>* warnings) {
    std::vector<std::string> words;
    std::string current;
    bool in_word = false;
    char quote = '\0';
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quote == '\'') {
            if (c == '\'') {
                quote = '\0';
            } else {
                current += c;
            }
        } else if (quote == '"') {
            if (c == '"') {
                quote = '\0';
            } else if (c == '\\' && i + 1 < text.size() &&
                       "$`\"\\\n"sv.find(text[i + 1]) != std::string_view::npos) {
                if (text[++i] != '\n') current += text[i];
            } else {
                current += c;
            }
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) words.push_back(std::move(current));
            current.clear();
            in_word = false;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < text.size()) {
            if (text[++i] != '\n') {
                current += text[i];
                in_word = true;
            }
        } else {
            current += c;
            in_word = true;
        }
    }
    if (quote != '\0' && warnings != nullptr) {
        warnings->push_back(std::string("ssh_options: unterminated ") +
                            (quote == '\'' ? "single" : "double") + " quote");
    }
    if (in_word) words.push_back(std::move(current));
    return words;
}

SshOptions parse_ssh_options(std::string_view text) {
    SshOptions out;
    const std::vector<std::string> words = split_shell_words(text, &out.warnings);
    Parser(out).parse(words);
    return out;
}

std::optional<std::chrono::seconds> parse_ssh_time(std::string_view text) {
    if (text.empty()) return std::nullopt;
    long long total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        long long number = 0;
        const std::size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            number = number * 10 + (text[i] - '0');
            if (number > 100000000) return std::nullopt;
            ++i;
        }
        if (i == start) return std::nullopt;
        long long unit = 1;
        if (i < text.size()) {
            switch (text[i]) {
                case 's':
                case 'S':
                    unit = 1;
                    break;
                case 'm':
                case 'M':
                    unit = 60;
                    break;
                case 'h':
                case 'H':
                    unit = 3600;
                    break;
                case 'd':
                case 'D':
                    unit = 86400;
                    break;
                case 'w':
                case 'W':
                    unit = 604800;
                    break;
                default:
                    return std::nullopt;
            }
            ++i;
        }
        total += number * unit;
        if (total > 100000000) return std::nullopt;
    }
    return std::chrono::seconds(total);
}

LocalAccount current_account() {
    LocalAccount account;
    passwd pw{};
    passwd* found = nullptr;
    std::string buffer(16384, '\0');
    if (getpwuid_r(geteuid(), &pw, buffer.data(), buffer.size(), &found) == 0 && found) {
        account.user = found->pw_name;
        account.home = found->pw_dir;
    }
    if (account.home.empty()) {
        if (const char* home = std::getenv("HOME")) account.home = home;
    }
    if (account.user.empty()) {
        if (const char* user = std::getenv("USER")) account.user = user;
    }
    return account;
}

SshSettings resolve_ssh_settings(const SshOptions& options, std::string_view remote_user,
                                 const LocalAccount& account) {
    SshSettings s;
    const std::string& home = account.home;
    s.port = options.port.value_or(22);
    if (options.user) {
        s.user = *options.user;
    } else if (!remote_user.empty()) {
        s.user = std::string(remote_user);
    } else {
        s.user = account.user;
    }
    if (!options.identity_files.empty()) {
        s.identity_files = expand_all(options.identity_files, home);
    } else {
        for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
            s.identity_files.push_back(home + "/.ssh/" + name);
        }
    }
    if (options.connect_timeout) {
        if (options.connect_timeout->count() > 0) {
            s.connect_timeout = *options.connect_timeout;
        } else {
            s.connect_timeout.reset();
        }
    }
    s.strict_host_key_checking =
        options.strict_host_key_checking.value_or(StrictHostKeyChecking::kYes);
    s.user_known_hosts_files =
        options.user_known_hosts_files
            ? expand_all(*options.user_known_hosts_files, home)
            : std::vector<std::string>{home + "/.ssh/known_hosts", home + "/.ssh/known_hosts2"};
    s.global_known_hosts_files =
        options.global_known_hosts_files
            ? expand_all(*options.global_known_hosts_files, home)
            : std::vector<std::string>{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"};
    s.address_family = options.address_family.value_or(AddressFamily::kAny);
    s.compression = options.compression.value_or(false);
    s.quiet = options.quiet;
    return s;
}

}  // namespace repmgr::remote
