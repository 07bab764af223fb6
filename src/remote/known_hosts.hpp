// Host key checking for the SSH executor: OpenSSH known_hosts files read through libssh2,
// StrictHostKeyChecking, and ordering host key algorithms so the server presents a key type
// we already know (private to src/remote).
#pragma once

#include <libssh2.h>

#include <string>
#include <vector>

#include "repmgr/remote/ssh_options.hpp"

namespace repmgr::remote {

struct HostKeyVerdict {
    bool accepted = false;
    std::string error;  // why not accepted
};

class KnownHosts {
  public:
    // Reads the user and global known hosts files of `settings` (missing files are fine;
    // lines libssh2 cannot parse, e.g. unsupported key types, are skipped).
    // REQUIRES: `session` outlives this object.
    KnownHosts(LIBSSH2_SESSION* session, const SshSettings& settings);
    KnownHosts(const KnownHosts&) = delete;
    KnownHosts& operator=(const KnownHosts&) = delete;
    ~KnownHosts();

    // A LIBSSH2_METHOD_HOSTKEY preference list with the algorithms of key types recorded for
    // `name` first (as ssh orders HostKeyAlgorithms), or "" when none are recorded.
    std::string hostkey_preference(const std::string& name) const;

    // Checks the key the server presented during the handshake against the files and applies
    // StrictHostKeyChecking; may record a new key in the first user known hosts file.
    HostKeyVerdict verify(const std::string& name);

  private:
    void load_file(const std::string& path);
    void record(const std::string& name, const char* key, std::size_t len, int key_bit);
    std::string files_text() const;

    LIBSSH2_SESSION* session_;
    const SshSettings& settings_;
    LIBSSH2_KNOWNHOSTS* hosts_ = nullptr;
    std::vector<std::string> loaded_;   // files that could be read
    std::vector<std::string> revoked_;  // base64 key blobs of "@revoked" lines
};

}  // namespace repmgr::remote
