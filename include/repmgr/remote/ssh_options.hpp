// The `ssh_options` setting (repmgr.conf) as our libssh2 executor understands it: parsing the
// ssh command-line options into SshOptions and resolving them, with -R and the local account,
// into the SshSettings one connection uses. Pure functions, no I/O. Running commands lives in
// executor.hpp / ssh_executor.cpp. See docs/ssh.md.
//
// Honoured (everything else is reported in SshOptions::warnings and ignored):
//   -p PORT, -o Port=PORT
//   -l USER, -o User=USER
//   -i FILE, -o IdentityFile=FILE       repeatable; replaces the default keys
//   -o ConnectTimeout=N                  default 10 s; 0 = no separate limit
//   -o StrictHostKeyChecking=yes|ask|accept-new|no|off
//   -o UserKnownHostsFile="F1 F2"|none   default ~/.ssh/known_hosts ~/.ssh/known_hosts2
//   -o GlobalKnownHostsFile="F1 F2"|none default /etc/ssh/ssh_known_hosts{,2}
//   -o BatchMode=yes|no                  accepted; we are always in batch mode
//   -o AddressFamily=any|inet|inet6, -4, -6
//   -o Compression=yes|no, -C
//   -o IdentitiesOnly=yes|no             accepted; no agent is ever used
//   -o LogLevel=LEVEL                    QUIET/FATAL/ERROR act like -q
//   -q                                   no "permanently added" warning
//   -T -n -a -x -k                       accepted: no pty, no stdin, no forwarding is used
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace repmgr::remote {

enum class StrictHostKeyChecking {
    kYes,        // unknown or changed host key: refuse (also "ask": we are in batch mode)
    kAcceptNew,  // unknown: accept and record it; changed: refuse
    kNo,         // unknown: accept and record it; changed: warn and connect ("off" too)
};

enum class AddressFamily { kAny, kInet, kInet6 };

// What `ssh_options` says, before defaults. As with ssh, the first value given for a
// single-valued option wins; identity files accumulate.
struct SshOptions {
    std::optional<int> port;
    std::optional<std::string> user;
    std::vector<std::string> identity_files;
    std::optional<std::chrono::seconds> connect_timeout;  // 0 = none
    std::optional<StrictHostKeyChecking> strict_host_key_checking;
    std::optional<std::vector<std::string>> user_known_hosts_files;    // empty = "none"
    std::optional<std::vector<std::string>> global_known_hosts_files;  // empty = "none"
    std::optional<AddressFamily> address_family;
    std::optional<bool> compression;
    bool quiet = false;
    // One message per ignored option, e.g. `ssh option "-o ProxyJump=x" is not supported by
    // this implementation and is ignored`. The caller logs them as WARNINGs.
    std::vector<std::string> warnings;
};

// Splits `ssh_options` into words as /bin/sh would (repmgr pastes the setting into a shell
// command line): blanks separate words; '…', "…" and backslash quote. No expansions.
// An unterminated quote takes the rest of the text and adds a warning.
std::vector<std::string> split_shell_words(std::string_view text,
                                           std::vector<std::string>* warnings = nullptr);

// Parses `ssh_options`. Never throws: anything not understood becomes a warning.
SshOptions parse_ssh_options(std::string_view text);

// ssh's time format for ConnectTimeout: "10", "10s", "1m30s" (s, m, h, d, w; any case).
std::optional<std::chrono::seconds> parse_ssh_time(std::string_view text);

// The local account commands run as: name and home directory (from the password database,
// as ssh uses it; $HOME only when the account has no entry).
struct LocalAccount {
    std::string user;
    std::string home;
};
LocalAccount current_account();

// Everything one connection needs, defaults applied.
struct SshSettings {
    int port = 22;
    std::string user;
    // In the order tried: -i / IdentityFile, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa.
    // Files that do not exist are skipped at connect time.
    std::vector<std::string> identity_files;
    // Bounds TCP connect, SSH handshake, authentication and opening the session together.
    // nullopt: only the run's own timeout applies.
    std::optional<std::chrono::milliseconds> connect_timeout = std::chrono::seconds(10);
    StrictHostKeyChecking strict_host_key_checking = StrictHostKeyChecking::kYes;
    std::vector<std::string> user_known_hosts_files;  // new keys are added to the first
    std::vector<std::string> global_known_hosts_files;
    AddressFamily address_family = AddressFamily::kAny;
    bool compression = false;
    bool quiet = false;
};

// Applies defaults. The user is -l / -o User from ssh_options, else `remote_user`
// (-R/--remote-user), else the local account's name (ssh's order: ssh_options come before
// the user@host argument). "~" and "~/" in file names become `account.home`.
SshSettings resolve_ssh_settings(const SshOptions& options, std::string_view remote_user,
                                 const LocalAccount& account);

}  // namespace repmgr::remote
