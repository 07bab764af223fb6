// node rejoin --force-rewind (commands.md §14 step 9).
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/pg/recovery_config.hpp"
#include "repmgr/pg/rewind.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/pg/standby_state.hpp"
#include "workflow/node_rejoin_steps.hpp"

namespace repmgr::workflow {
namespace {

namespace fs = std::filesystem;

Error archive_error(std::string message, const std::string& detail) {
    return std::move(Error(ExitCode::kBadConfig, std::move(message)).detail(detail));
}

// Creates the archive directory, or empties an existing one (not in dry run).
void prepare_archive_dir(const std::string& dir, bool dry_run) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno != ENOENT) {
            throw archive_error(
                fmt::format("error encountered when checking archive directory \"{}\"", dir),
                std::strerror(errno));
        }
        if (::mkdir(dir.c_str(), 0700) != 0) {
            throw archive_error(
                fmt::format("unable to create temporary archive directory \"{}\"", dir),
                std::strerror(errno));
        }
        // repmgr mentions the new directory only in a dry run.
        if (dry_run) {
            log::verbose(log::Level::kInfo, "temporary archive directory \"{}\" created", dir);
        }
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        throw Error(ExitCode::kBadConfig, fmt::format("\"{}\" exists but is not a directory", dir));
    }
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        throw archive_error(fmt::format("unable to open archive directory \"{}\"", dir),
                            ec.message());
    }
    if (dry_run) return;
    for (const auto& entry : it) {
        if (!entry.is_regular_file()) continue;
        if (!fs::remove(entry.path(), ec) && ec) {
            throw Error(ExitCode::kBadConfig,
                        "unable to delete file in temporary archive directory")
                .detail(fmt::format("file is \"{}\"", entry.path().string()))
                .detail(ec.message());
        }
    }
}

void archive_config_files(const config::Config& cfg, const NodeRejoinOptions& options,
                          const std::string& dir) {
    int copied = 0;
    for (const auto& name : options.config_files) {
        const fs::path source = fs::path(cfg.data_directory) / name;
        const fs::path dest = fs::path(dir) / source.filename();
        if (!fs::is_regular_file(source)) {
            log::warning("specified file \"{}\" not found, skipping", source.string());
            continue;
        }
        if (options.dry_run) {
            log::info("file \"{}\" would be copied to \"{}\"", name, dest.string());
            ++copied;
            continue;
        }
        std::error_code ec;
        fs::copy_file(source, dest, fs::copy_options::overwrite_existing, ec);
        if (ec) {
            throw Error(ExitCode::kBadConfig, fmt::format("unable to copy \"{}\" to \"{}\"",
                                                          source.string(), dest.string()))
                .detail(ec.message());
        }
        ++copied;
    }
    if (options.dry_run) {
        log::verbose(log::Level::kInfo, "{} files would have been copied to \"{}\"", copied, dir);
    } else {
        log::verbose(log::Level::kInfo, "{} files copied to \"{}\"", copied, dir);
    }
}

// Removes the (dry run: empty) archive directory; never its contents in a dry run.
void remove_archive_dir(const std::string& dir, bool dry_run) {
    std::error_code ec;
    if (!dry_run) {
        for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove(entry.path(), ec);
    }
    if (::rmdir(dir.c_str()) != 0) {
        log::warning("unable to delete directory \"{}\"", dir);
        return;
    }
    if (dry_run) {
        log::verbose(log::Level::kInfo, "temporary archive directory \"{}\" deleted", dir);
    } else {
        log::verbose(log::Level::kInfo, "directory \"{}\" deleted", dir);
    }
}

// Puts the archived files back over the ones pg_rewind copied from the source, then removes
// the archive, recovery.done and the replication slots the source's pg_replslot brought.
void restore_after_rewind(const config::Config& cfg, const std::string& dir) {
    int copied = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) continue;
        fs::copy_file(entry.path(), fs::path(cfg.data_directory) / entry.path().filename(),
                      fs::copy_options::overwrite_existing, ec);
        if (ec) {
            log::warning("unable to copy \"{}\" to \"{}\"", entry.path().string(),
                         cfg.data_directory);
            log::detail("{}", ec.message());
            continue;
        }
        ++copied;
    }
    log::notice("{} files copied to {}", copied, cfg.data_directory);
    remove_archive_dir(dir, false);
    fs::remove(fs::path(cfg.data_directory) / "recovery.done", ec);
    for (const auto& slot :
         fs::directory_iterator(fs::path(cfg.data_directory) / "pg_replslot", ec)) {
        if (slot.is_directory()) fs::remove_all(slot.path(), ec);
    }
}

// PostgreSQL 15 promotes without an immediate checkpoint, and pg_rewind takes the source's
// timeline from its pg_control: until the first checkpoint on the new timeline it reports
// "no rewind required" and does nothing (TESTING.md). repmgr 5.3.3 does not allow for this.
void ensure_source_checkpoint(const RewindSource& source) {
    auto checkpoint_timeline = pg::get_checkpoint_timeline(*source.conn);
    if (!checkpoint_timeline || *checkpoint_timeline >= source.timeline) return;
    if (!pg::can_checkpoint(*source.conn)) {
        log::warning("unable to issue a CHECKPOINT on node \"{}\" (ID: {})",
                     source.record.node_name, source.record.node_id);
        log::detail("the latest checkpoint is on timeline {}, pg_rewind may not see timeline {}",
                    *checkpoint_timeline, source.timeline);
        log::hint("a superuser or a member of \"pg_checkpointer\" can issue the CHECKPOINT");
        return;
    }
    log::notice("issuing CHECKPOINT on node \"{}\" (ID: {})", source.record.node_name,
                source.record.node_id);
    log::detail("its latest checkpoint is on timeline {}, pg_rewind needs one on timeline {}",
                *checkpoint_timeline, source.timeline);
    try {
        pg::checkpoint(*source.conn);
    } catch (const db::DbQueryError& e) {
        log::warning("unable to issue a CHECKPOINT: {}", e.what());
    }
}

void run_rewind(const std::string& command, bool unclean, const std::string& data_directory) {
    const std::string signal = data_directory + "/standby.signal";
    const bool move_signal = unclean && fs::exists(signal);
    if (move_signal) {
        log::notice("temporarily removing \"standby.signal\"");
        log::detail("this is required so pg_rewind can fix the unclean shutdown");
        if (::unlink(signal.c_str()) != 0) {
            throw Error(ExitCode::kRejoinFail, "unable to remove \"standby.signal\"")
                .detail(std::strerror(errno));
        }
    }
    log::notice("executing pg_rewind");
    log::detail("pg_rewind command is \"{}\"", command);
    CommandResult r = pg::run_pg_rewind(command);
    if (move_signal) {
        log::notice("recreating \"standby.signal\"");
        pg::write_standby_signal(data_directory);
    }
    if (!r.ok()) {
        throw Error(ExitCode::kRejoinFail, "pg_rewind execution failed")
            .detail(trim(r.out + (r.out.empty() || r.err.empty() ? "" : "\n") + r.err));
    }
}

}  // namespace

void check_rewind_prerequisites(db::Connection& source, bool dry_run) {
    pg::RewindSettings s = pg::get_rewind_settings(source);
    std::vector<std::string> reasons;
    if (!s.full_page_writes) reasons.emplace_back("\"full_page_writes\" must be set to \"on\"");
    if (!s.wal_log_hints && !s.data_checksums) {
        reasons.emplace_back("\"wal_log_hints\" is set to \"off\" and data checksums are disabled");
    }
    if (!reasons.empty()) {
        throw Error(ExitCode::kBadConfig, "--force-rewind specified but pg_rewind cannot be used")
            .detail(join(reasons, "; "));
    }
    if (dry_run) {
        log::info("prerequisites for using pg_rewind are met");
    } else {
        log::verbose(log::Level::kInfo, "prerequisites for using pg_rewind are met");
    }
}

void rewind_data_directory(const config::Config& cfg, const NodeRejoinOptions& options,
                           const RewindSource& source, bool unclean) {
    const std::string dir =
        fmt::format("{}/repmgr-config-archive-{}", options.config_archive_dir, cfg.node_name);
    prepare_archive_dir(dir, options.dry_run);
    archive_config_files(cfg, options, dir);
    if (options.dry_run) remove_archive_dir(dir, true);
    const std::string command = pg::pg_rewind_command(
        cfg, cfg.data_directory, source.record.conninfo, options.pg_rewind_binary);
    if (options.dry_run) {
        log::info("pg_rewind would now be executed");
        log::detail("pg_rewind command is:\n  {}", command);
        return;
    }
    ensure_source_checkpoint(source);
    run_rewind(command, unclean, cfg.data_directory);
    restore_after_rewind(cfg, dir);
}

}  // namespace repmgr::workflow
