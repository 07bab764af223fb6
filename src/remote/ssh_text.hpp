// Small pure helpers of the SSH executor, kept apart from libssh2 so unit tests can reach them
// (private to src/remote).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace repmgr::remote {

// The name ssh files a host key under: the lower-cased host, or "[host]:port" when the port
// is not 22 (OpenSSH's known_hosts convention).
std::string known_hosts_name(std::string_view host, int port);

// Standard base64 (RFC 4648), with or without '=' padding.
std::string base64_encode(std::string_view bytes, bool pad);

// ssh's fingerprint text for a SHA-256 digest: "SHA256:" + unpadded base64.
std::string sha256_fingerprint(std::string_view digest);

// The number of a signal named as in the SSH protocol ("TERM", "KILL", ...), if known.
std::optional<int> signal_number(std::string_view ssh_name);

}  // namespace repmgr::remote
