#include "remote/known_hosts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string_view>

#include "remote/ssh_text.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"

namespace repmgr::remote {
namespace {

constexpr int kPlainRaw = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW;

int key_bit_for_hostkey_type(int type) {
    switch (type) {
        case LIBSSH2_HOSTKEY_TYPE_RSA:
            return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
        case LIBSSH2_HOSTKEY_TYPE_DSS:
            return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
            return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
            return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
            return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
        case LIBSSH2_HOSTKEY_TYPE_ED25519:
            return LIBSSH2_KNOWNHOST_KEY_ED25519;
        default:
            return 0;
    }
}

int key_bit_for_algorithm(std::string_view alg) {
    if (alg == "ssh-ed25519") return LIBSSH2_KNOWNHOST_KEY_ED25519;
    if (alg == "ecdsa-sha2-nistp256") return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    if (alg == "ecdsa-sha2-nistp384") return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    if (alg == "ecdsa-sha2-nistp521") return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    if (alg == "ssh-rsa" || alg == "rsa-sha2-256" || alg == "rsa-sha2-512") {
        return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    }
    if (alg == "ssh-dss") return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
    return 0;
}

// ssh's labels: "ED25519", "ECDSA", "RSA", "DSA".
std::string_view key_type_label(int type) {
    switch (type) {
        case LIBSSH2_HOSTKEY_TYPE_RSA:
            return "RSA";
        case LIBSSH2_HOSTKEY_TYPE_DSS:
            return "DSA";
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
            return "ECDSA";
        case LIBSSH2_HOSTKEY_TYPE_ED25519:
            return "ED25519";
        default:
            return "unknown";
    }
}

std::string errno_text(int err) {
    char buffer[256];
    return strerror_r(err, buffer, sizeof(buffer));  // GNU variant: returns the text
}

// Appends one line; a mutex keeps lines of concurrent runs in this process whole.
bool append_line(const std::string& file, const std::string& line, std::string& error) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = errno_text(errno);
        return false;
    }
    const ssize_t written = ::write(fd, line.data(), line.size());
    const int write_errno = errno;
    ::close(fd);
    if (written != static_cast<ssize_t>(line.size())) {
        error = written < 0 ? errno_text(write_errno) : "short write";
        return false;
    }
    return true;
}

}  // namespace

KnownHosts::KnownHosts(LIBSSH2_SESSION* session, const SshSettings& settings)
    : session_(session), settings_(settings), hosts_(libssh2_knownhost_init(session)) {
    if (hosts_ == nullptr) return;
    for (const std::string& file : settings_.user_known_hosts_files) load_file(file);
    for (const std::string& file : settings_.global_known_hosts_files) load_file(file);
}

KnownHosts::~KnownHosts() {
    if (hosts_ != nullptr) libssh2_knownhost_free(hosts_);
}

// Line by line rather than libssh2_knownhost_readfile(), which gives up on the first line it
// cannot parse (a key type libssh2 does not know would hide every later entry).
void KnownHosts::load_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return;
    loaded_.push_back(path);
    std::string raw;
    while (std::getline(in, raw)) {
        const std::string line = trim(raw);
        if (line.empty() || line[0] == '#') continue;
        if (line[0] == '@') {
            // "@revoked hosts type key": such a key is refused. "@cert-authority": host
            // certificates are not supported, the line is skipped.
            std::vector<std::string> words;
            for (const std::string& w : split(line, ' ')) {
                if (!w.empty()) words.push_back(w);
            }
            if (words.size() >= 4 && words[0] == "@revoked") revoked_.push_back(words[3]);
            continue;
        }
        libssh2_knownhost_readline(hosts_, line.data(), line.size(),
                                   LIBSSH2_KNOWNHOST_FILE_OPENSSH);
    }
}

std::string KnownHosts::hostkey_preference(const std::string& name) const {
    if (hosts_ == nullptr) return {};
    const char** algs = nullptr;
    const int n = libssh2_session_supported_algs(session_, LIBSSH2_METHOD_HOSTKEY, &algs);
    if (n <= 0 || algs == nullptr) return {};
    std::vector<std::string> known;
    std::vector<std::string> others;
    for (int i = 0; i < n; ++i) {
        const std::string alg = algs[i];
        const int bit = key_bit_for_algorithm(alg);
        // A dummy key "mismatches" exactly when a key of this type is recorded for `name`.
        static const char kDummy[1] = {'\0'};
        libssh2_knownhost* entry = nullptr;
        const bool recorded =
            bit != 0 && libssh2_knownhost_check(hosts_, name.c_str(), kDummy, 1, kPlainRaw | bit,
                                                &entry) == LIBSSH2_KNOWNHOST_CHECK_MISMATCH;
        (recorded ? known : others).push_back(alg);
    }
    libssh2_free(session_, const_cast<char**>(algs));
    if (known.empty()) return {};
    known.insert(known.end(), others.begin(), others.end());
    return join(known, ",");
}

HostKeyVerdict KnownHosts::verify(const std::string& name) {
    std::size_t len = 0;
    int type = 0;
    const char* key = libssh2_session_hostkey(session_, &len, &type);
    if (key == nullptr) return {false, "host key verification failed: the server sent no host key"};
    const int bit = key_bit_for_hostkey_type(type);
    const char* digest = libssh2_hostkey_hash(session_, LIBSSH2_HOSTKEY_HASH_SHA256);
    const std::string described = std::string(key_type_label(type)) + " key " +
                                  (digest ? sha256_fingerprint(std::string_view(digest, 32)) : "");
    if (hosts_ == nullptr) {
        return {false, "host key verification failed: could not set up known hosts checking"};
    }
    const std::string blob = base64_encode(std::string_view(key, len), true);
    for (const std::string& revoked : revoked_) {
        if (revoked == blob) {
            return {false, "host key verification failed: the " + described + " of \"" + name +
                               "\" is marked as revoked in " + files_text()};
        }
    }
    libssh2_knownhost* entry = nullptr;
    const int rc = libssh2_knownhost_check(hosts_, name.c_str(), key, len, kPlainRaw | bit, &entry);
    const StrictHostKeyChecking strict = settings_.strict_host_key_checking;
    switch (rc) {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH:
            return {true, {}};
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
            if (strict == StrictHostKeyChecking::kNo) {
                log::warning(
                    "the host key of \"{}\" has changed ({} does not match {}); "
                    "connecting anyway because StrictHostKeyChecking is \"no\"",
                    name, described, files_text());
                return {true, {}};
            }
            return {false,
                    "host key verification failed: the host key of \"" + name +
                        "\" has changed: the server presented " + described +
                        ", which does not match " + files_text() +
                        " (possible man-in-the-middle attack, or the host key was replaced)"};
        case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
            if (strict == StrictHostKeyChecking::kYes) {
                return {false, "host key verification failed: no host key is known for \"" + name +
                                   "\" in " + files_text() + " (the server presented " + described +
                                   "; StrictHostKeyChecking is \"yes\")"};
            }
            record(name, key, len, bit);
            return {true, {}};
        default:
            return {false, "host key verification failed: could not check the " + described +
                               " of \"" + name + "\""};
    }
}

void KnownHosts::record(const std::string& name, const char* key, std::size_t len, int key_bit) {
    if (settings_.user_known_hosts_files.empty()) return;  // UserKnownHostsFile none
    const std::string& file = settings_.user_known_hosts_files.front();
    libssh2_knownhost* entry = nullptr;
    char line[8192];
    std::size_t line_len = 0;
    if (libssh2_knownhost_addc(hosts_, name.c_str(), nullptr, key, len, nullptr, 0,
                               kPlainRaw | key_bit, &entry) != 0 ||
        libssh2_knownhost_writeline(hosts_, entry, line, sizeof(line), &line_len,
                                    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
        log::warning("failed to add the host key of \"{}\" to the list of known hosts ({})", name,
                     file);
        return;
    }
    std::string text(line, line_len);
    if (text.empty() || text.back() != '\n') text += '\n';
    std::string error;
    if (!append_line(file, text, error)) {
        log::warning("failed to add the host key of \"{}\" to the list of known hosts ({}): {}",
                     name, file, error);
        return;
    }
    if (!settings_.quiet) {
        log::warning("permanently added \"{}\" to the list of known hosts ({})", name, file);
    }
}

std::string KnownHosts::files_text() const {
    if (loaded_.empty()) {
        std::vector<std::string> all = settings_.user_known_hosts_files;
        all.insert(all.end(), settings_.global_known_hosts_files.begin(),
                   settings_.global_known_hosts_files.end());
        return "the known hosts files (none could be read" +
               (all.empty() ? std::string(")") : ": " + join(all, ", ") + ")");
    }
    return join(loaded_, ", ");
}

}  // namespace repmgr::remote
