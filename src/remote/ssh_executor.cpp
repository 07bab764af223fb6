// SshExecutor: one libssh2 session per run. The session is non-blocking throughout and every
// wait is a poll(2) on the socket bounded by a deadline, so no step (connect, handshake,
// authentication, exec, reading output, closing) can outlast the run's timeout; the setup
// steps are also bounded by ConnectTimeout. (libssh2_session_set_timeout() only bounds
// single blocking calls, so it could not give one deadline for the whole run.)
#include <libssh2.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <climits>
#include <memory>
#include <mutex>
#include <string_view>

#include "remote/deadline.hpp"
#include "remote/known_hosts.hpp"
#include "remote/ssh_text.hpp"
#include "remote/tcp_connect.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/remote/executor.hpp"

namespace repmgr::remote {
namespace {

constexpr int kTimedOut = INT_MIN;  // returned by retry() when the deadline passed
constexpr int kPollCapMs = 1000;    // re-check libssh2's buffers at least this often

int libssh2_init_once() {
    static std::once_flag once;
    static int rc = 0;
    std::call_once(once, [] { rc = libssh2_init(0); });
    return rc;
}

bool file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

class Session {
  public:
    Session(const SshSettings& settings, const std::string& host,
            std::chrono::milliseconds timeout);
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session();

    RemoteResult run(const std::string& command);

  private:
    bool connect();
    bool handshake();
    bool authenticate();
    bool start(const std::string& command);
    bool read_output();
    void finish();

    bool wait_socket(const Deadline& deadline) const;
    template <typename F>
    int retry(const Deadline& deadline, F&& call) const;
    template <typename T, typename F>
    T* retry_ptr(const Deadline& deadline, F&& call, bool& timed_out) const;
    std::string last_error() const;
    bool fail(std::string error, bool timed_out = false);
    bool setup_timed_out(std::string_view step);
    std::string where() const;

    const SshSettings& settings_;
    const std::string& host_;
    Deadline overall_;
    Deadline setup_;
    std::string overall_text_;
    std::string setup_text_;
    UniqueFd socket_;
    LIBSSH2_SESSION* session_ = nullptr;
    LIBSSH2_CHANNEL* channel_ = nullptr;
    bool clean_ = false;  // the channel was closed normally: a polite disconnect is possible
    RemoteResult result_;
};

Session::Session(const SshSettings& settings, const std::string& host,
                 std::chrono::milliseconds timeout)
    : settings_(settings),
      host_(host),
      overall_(Deadline::after(timeout)),
      setup_(overall_),
      overall_text_(describe_duration(timeout)),
      setup_text_(overall_text_) {
    if (settings_.connect_timeout &&
        (timeout.count() <= 0 || *settings_.connect_timeout < timeout)) {
        setup_ = Deadline::after(*settings_.connect_timeout);
        setup_text_ = describe_duration(*settings_.connect_timeout) + " (ConnectTimeout)";
    }
}

Session::~Session() {
    if (session_ != nullptr) {
        if (clean_) {
            if (channel_ != nullptr) libssh2_channel_free(channel_);
            libssh2_session_disconnect_ex(session_, SSH_DISCONNECT_BY_APPLICATION, "done", "");
        }
        // With the socket shut down, nothing libssh2 still wants to send can block: freeing
        // the session (and any channel it still holds) cannot return EAGAIN for long.
        if (socket_.valid()) ::shutdown(socket_.get(), SHUT_RDWR);
        for (int i = 0; i < 100 && libssh2_session_free(session_) == LIBSSH2_ERROR_EAGAIN; ++i) {
        }
    }
}

std::string Session::where() const {
    return "host \"" + host_ + "\" port " + std::to_string(settings_.port);
}

bool Session::fail(std::string error, bool timed_out) {
    result_.error = std::move(error);
    result_.timed_out = timed_out;
    return false;
}

bool Session::setup_timed_out(std::string_view step) {
    return fail("connection to " + where() + " timed out after " + setup_text_ + " (" +
                    std::string(step) + ")",
                true);
}

std::string Session::last_error() const {
    char* message = nullptr;
    int len = 0;
    libssh2_session_last_error(session_, &message, &len, 0);
    return message != nullptr && len > 0 ? std::string(message, static_cast<std::size_t>(len))
                                         : "unknown libssh2 error";
}

// Waits until the socket is ready in the direction libssh2 is blocked on. False once the
// deadline has passed. Wakes up at least every kPollCapMs so data libssh2 has already
// buffered is never left waiting for more to arrive.
bool Session::wait_socket(const Deadline& deadline) const {
    const int directions = libssh2_session_block_directions(session_);
    short events = 0;
    if ((directions & LIBSSH2_SESSION_BLOCK_INBOUND) != 0) events |= POLLIN;
    if ((directions & LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0) events |= POLLOUT;
    if (events == 0) events = POLLIN;
    pollfd p{socket_.get(), events, 0};
    const int rc = ::poll(&p, 1, deadline.poll_timeout_ms(kPollCapMs));
    return !(rc == 0 && deadline.expired());
}

template <typename F>
int Session::retry(const Deadline& deadline, F&& call) const {
    for (;;) {
        const int rc = call();
        if (rc != LIBSSH2_ERROR_EAGAIN) return rc;
        if (!wait_socket(deadline)) return kTimedOut;
    }
}

template <typename T, typename F>
T* Session::retry_ptr(const Deadline& deadline, F&& call, bool& timed_out) const {
    timed_out = false;
    for (;;) {
        T* p = call();
        if (p != nullptr || libssh2_session_last_errno(session_) != LIBSSH2_ERROR_EAGAIN) return p;
        if (!wait_socket(deadline)) {
            timed_out = true;
            return nullptr;
        }
    }
}

RemoteResult Session::run(const std::string& command) {
    if (libssh2_init_once() != 0) {
        fail("could not initialise libssh2");
        return result_;
    }
    if (!connect() || !handshake() || !authenticate() || !start(command)) return result_;
    result_.connected = true;
    if (read_output()) finish();
    return result_;
}

bool Session::connect() {
    TcpConnectResult tcp =
        tcp_connect(host_, settings_.port, settings_.address_family, setup_, setup_text_);
    if (!tcp.socket.valid()) return fail(tcp.error, tcp.timed_out);
    socket_ = std::move(tcp.socket);
    session_ = libssh2_session_init_ex(nullptr, nullptr, nullptr, nullptr);
    if (session_ == nullptr) return fail("could not create an SSH session");
    libssh2_session_set_blocking(session_, 0);
    if (settings_.compression) libssh2_session_flag(session_, LIBSSH2_FLAG_COMPRESS, 1);
    return true;
}

bool Session::handshake() {
    KnownHosts known_hosts(session_, settings_);
    const std::string name = known_hosts_name(host_, settings_.port);
    const std::string preference = known_hosts.hostkey_preference(name);
    if (!preference.empty()) {
        libssh2_session_method_pref(session_, LIBSSH2_METHOD_HOSTKEY, preference.c_str());
    }
    const int rc =
        retry(setup_, [&] { return libssh2_session_handshake(session_, socket_.get()); });
    if (rc == kTimedOut) return setup_timed_out("SSH handshake");
    if (rc != 0) return fail("SSH handshake with " + where() + " failed: " + last_error());
    const HostKeyVerdict verdict = known_hosts.verify(name);
    if (!verdict.accepted) return fail(verdict.error);
    return true;
}

bool Session::authenticate() {
    const std::string& user = settings_.user;
    const auto user_len = static_cast<unsigned int>(user.size());
    bool timed_out = false;
    const char* methods = retry_ptr<char>(
        setup_, [&] { return libssh2_userauth_list(session_, user.c_str(), user_len); }, timed_out);
    if (timed_out) return setup_timed_out("authentication");
    if (methods == nullptr) {
        if (libssh2_userauth_authenticated(session_) != 0) return true;  // "none" accepted
        return fail("authentication as user \"" + user + "\" on " + where() +
                    " failed: " + last_error());
    }
    if (std::string_view(methods).find("publickey") == std::string_view::npos) {
        return fail(where() + " does not accept public key authentication for user \"" + user +
                    "\" (it offers: " + methods + ")");
    }
    std::vector<std::string> tried;
    for (const std::string& key : settings_.identity_files) {
        if (!file_exists(key)) {
            tried.push_back(key + " (no such file)");
            continue;
        }
        const int rc = retry(setup_, [&] {
            return libssh2_userauth_publickey_fromfile_ex(session_, user.c_str(), user_len, nullptr,
                                                          key.c_str(), nullptr);
        });
        if (rc == 0) return true;
        if (rc == kTimedOut) return setup_timed_out("authentication");
        if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED || rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED) {
            tried.push_back(key + " (rejected by the server)");
        } else if (rc == LIBSSH2_ERROR_FILE) {
            tried.push_back(key + " (could not be used: " + last_error() + ")");
        } else {
            return fail("authentication as user \"" + user + "\" on " + where() +
                        " failed: " + last_error());
        }
    }
    return fail("authentication as user \"" + user + "\" on " + where() +
                " failed; keys tried: " + (tried.empty() ? "none" : join(tried, ", ")));
}

bool Session::start(const std::string& command) {
    bool timed_out = false;
    channel_ = retry_ptr<LIBSSH2_CHANNEL>(
        setup_,
        [&] {
            return libssh2_channel_open_ex(session_, "session", 7, LIBSSH2_CHANNEL_WINDOW_DEFAULT,
                                           LIBSSH2_CHANNEL_PACKET_DEFAULT, nullptr, 0);
        },
        timed_out);
    if (timed_out) return setup_timed_out("opening a session");
    if (channel_ == nullptr) {
        return fail("could not open a session on " + where() + ": " + last_error());
    }
    const auto len = static_cast<unsigned int>(command.size());
    int rc = retry(overall_, [&] {
        return libssh2_channel_process_startup(channel_, "exec", 4, command.c_str(), len);
    });
    if (rc == kTimedOut) {
        return fail("timed out after " + overall_text_ + " starting the command on " + where(),
                    true);
    }
    if (rc != 0) return fail("could not start the command on " + where() + ": " + last_error());
    // Like `ssh -n`: the command reads end-of-file from stdin instead of waiting for input.
    rc = retry(overall_, [&] { return libssh2_channel_send_eof(channel_); });
    if (rc == kTimedOut) {
        return fail("timed out after " + overall_text_ + " starting the command on " + where(),
                    true);
    }
    return true;
}

// Reads stdout and stderr together until the server signals end of output, so a command
// that writes a lot to one stream cannot stall on the other's full window.
bool Session::read_output() {
    char buffer[32768];
    for (;;) {
        if (overall_.expired()) {  // a command that never stops writing
            return fail("the command on " + where() + " did not finish within " + overall_text_,
                        true);
        }
        bool progress = false;
        for (int stream : {0, SSH_EXTENDED_DATA_STDERR}) {
            std::string& sink = stream == 0 ? result_.out : result_.err;
            for (;;) {
                const ssize_t n = libssh2_channel_read_ex(channel_, stream, buffer, sizeof(buffer));
                if (n > 0) {
                    sink.append(buffer, static_cast<std::size_t>(n));
                    progress = true;
                    continue;
                }
                if (n == 0 || n == LIBSSH2_ERROR_EAGAIN) break;
                return fail("reading the output of the command on " + where() +
                            " failed: " + last_error());
            }
        }
        if (libssh2_channel_eof(channel_) != 0) return true;
        if (progress || libssh2_poll_channel_read(channel_, 0) != 0 ||
            libssh2_poll_channel_read(channel_, SSH_EXTENDED_DATA_STDERR) != 0) {
            continue;
        }
        if (!wait_socket(overall_)) {
            return fail("the command on " + where() + " did not finish within " + overall_text_,
                        true);
        }
    }
}

// After end of output the server still has to report the exit status; a command that closed
// its output but keeps running is caught by the deadline here.
void Session::finish() {
    int rc = retry(overall_, [&] { return libssh2_channel_close(channel_); });
    if (rc == 0) rc = retry(overall_, [&] { return libssh2_channel_wait_closed(channel_); });
    if (rc == kTimedOut) {
        fail("the command on " + where() + " did not finish within " + overall_text_, true);
        return;
    }
    if (rc != 0) {
        fail("lost the connection to " + where() + " before the command finished: " + last_error());
        return;
    }
    clean_ = true;
    result_.exit_status = libssh2_channel_get_exit_status(channel_);
    char* signal = nullptr;
    std::size_t signal_len = 0;
    if (libssh2_channel_get_exit_signal(channel_, &signal, &signal_len, nullptr, nullptr, nullptr,
                                        nullptr) == 0 &&
        signal != nullptr) {
        const std::string name(signal, signal_len);
        libssh2_free(session_, signal);
        const std::optional<int> number = signal_number(name);
        result_.exit_status = number ? 128 + *number : 255;
        result_.error = "the command on " + where() + " was terminated by signal " + name;
    }
}

class SshExecutor final : public Executor {
  public:
    explicit SshExecutor(SshSettings settings) : settings_(std::move(settings)) {}

    RemoteResult run(const std::string& host, const std::string& command,
                     std::chrono::milliseconds timeout) override {
        Session session(settings_, host, timeout);
        return session.run(command);
    }

    // repmgr runs /bin/true and, failing that, /usr/bin/true; one round trip does both.
    bool can_connect(const std::string& host, std::chrono::milliseconds timeout) override {
        return run(host, "/bin/true || /usr/bin/true", timeout).ok();
    }

  private:
    const SshSettings settings_;
};

}  // namespace

std::unique_ptr<Executor> make_ssh_executor(SshSettings settings) {
    return std::make_unique<SshExecutor>(std::move(settings));
}

}  // namespace repmgr::remote
