/*-------------------------------------------------------------------------
 *
 * repmgr.c
 *	  Shared-memory state of the repmgr extension (schema.md §4-§6).
 *
 * repmgrd and the repmgr client talk to each other through a small segment
 * of PostgreSQL shared memory: the local node id, the upstream and when it
 * was last seen, the follow-new-primary notification, repmgrd's PID and the
 * pause flag.  This file only stores and returns that state; every decision
 * is made by the daemon.  The segment exists only if the library is listed
 * in shared_preload_libraries; otherwise the functions return NULL (or -1
 * where schema.md §4 says so) and change nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <signal.h>
#include <stdio.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "replication/walreceiver.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PG_MODULE_MAGIC;

#define REPMGRD_SHMEM_NAME		"repmgrd shared state"
#define REPMGRD_TRANCHE_NAME	"repmgrd"

/* in PostgreSQL's permanent stats directory, which survives restarts */
#define REPMGRD_STATE_FILE		"repmgrd_state.txt"

#define UNKNOWN_NODE_ID			(-1)
#define UNKNOWN_PID				(-1)
/* notify_follow_primary() target meaning "run the election again" */
#define ELECTION_RERUN_NOTIFICATION (-2)
/* upstream_last_seen value meaning "never": the PostgreSQL epoch */
#define UPSTREAM_NEVER_SEEN		((TimestampTz) 0)
#define VOTING_STATUS_NO_VOTE	0

typedef struct RepmgrdSharedState
{
	LWLock	   *lock;			/* protects every field below */
	TimestampTz last_updated;
	int			local_node_id;
	int			repmgrd_pid;
	char		repmgrd_pidfile[MAXPGPATH];
	bool		repmgrd_paused;
	int			upstream_node_id;
	TimestampTz upstream_last_seen;
	/* listed in schema.md §5; no function reads them, reset clears the status */
	int			voting_status;
	int			current_electoral_term;
	int			candidate_node_id;
	bool		follow_new_primary;
} RepmgrdSharedState;

/* NULL unless the library was preloaded; backends inherit it from the postmaster */
static RepmgrdSharedState *shared_state = NULL;

static shmem_startup_hook_type prev_shmem_startup_hook = NULL;
#if PG_VERSION_NUM >= 150000
static shmem_request_hook_type prev_shmem_request_hook = NULL;
#endif

/* fmgr.h declares _PG_init only from PostgreSQL 16 on */
extern PGDLLEXPORT void _PG_init(void);

static void repmgr_shmem_request(void);
static void repmgr_shmem_startup(void);
static void state_file_path(char *path);
static bool read_state_file(int *node_id, bool *paused);
static bool write_state_file(const char *path, int node_id, bool paused);

PG_FUNCTION_INFO_V1(repmgr_set_local_node_id);
PG_FUNCTION_INFO_V1(repmgr_get_local_node_id);
PG_FUNCTION_INFO_V1(repmgr_standby_set_last_updated);
PG_FUNCTION_INFO_V1(repmgr_standby_get_last_updated);
PG_FUNCTION_INFO_V1(repmgr_set_upstream_last_seen);
PG_FUNCTION_INFO_V1(repmgr_get_upstream_last_seen);
PG_FUNCTION_INFO_V1(repmgr_get_upstream_node_id);
PG_FUNCTION_INFO_V1(repmgr_set_upstream_node_id);
PG_FUNCTION_INFO_V1(repmgr_notify_follow_primary);
PG_FUNCTION_INFO_V1(repmgr_get_new_primary);
PG_FUNCTION_INFO_V1(repmgr_reset_voting_status);
PG_FUNCTION_INFO_V1(repmgr_get_wal_receiver_pid);

/*
 * These six keep the symbol names of the original extension, so a database
 * whose functions were created by either extension works with either library.
 */
PG_FUNCTION_INFO_V1(get_repmgrd_pid);
PG_FUNCTION_INFO_V1(get_repmgrd_pidfile);
PG_FUNCTION_INFO_V1(set_repmgrd_pid);
PG_FUNCTION_INFO_V1(repmgrd_is_running);
PG_FUNCTION_INFO_V1(repmgrd_pause);
PG_FUNCTION_INFO_V1(repmgrd_is_paused);


/* ---------------------------------------------------------------------------
 * Module load and shared memory setup
 * ---------------------------------------------------------------------------
 */

void
_PG_init(void)
{
	/*
	 * Shared memory can only be reserved while the postmaster loads
	 * shared_preload_libraries.  Loaded later (first call of a function),
	 * the module runs without state.
	 */
	if (!process_shared_preload_libraries_in_progress)
		return;

#if PG_VERSION_NUM >= 150000
	/* from 15 on, requests made outside this hook are rejected */
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = repmgr_shmem_request;
#else
	repmgr_shmem_request();
#endif

	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = repmgr_shmem_startup;
}

static void
repmgr_shmem_request(void)
{
#if PG_VERSION_NUM >= 150000
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
#endif

	RequestAddinShmemSpace(MAXALIGN(sizeof(RepmgrdSharedState)));
	RequestNamedLWLockTranche(REPMGRD_TRANCHE_NAME, 1);
}

/*
 * Runs in the postmaster at startup and again after a crash restart, which
 * re-creates shared memory: the state starts afresh each time.
 */
static void
repmgr_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);

	shared_state = ShmemInitStruct(REPMGRD_SHMEM_NAME,
								   sizeof(RepmgrdSharedState),
								   &found);
	if (!found)
	{
		shared_state->lock = &(GetNamedLWLockTranche(REPMGRD_TRANCHE_NAME))->lock;
		shared_state->last_updated = 0;
		shared_state->local_node_id = UNKNOWN_NODE_ID;
		shared_state->repmgrd_pid = UNKNOWN_PID;
		shared_state->repmgrd_pidfile[0] = '\0';
		shared_state->repmgrd_paused = false;
		shared_state->upstream_node_id = UNKNOWN_NODE_ID;
		shared_state->upstream_last_seen = UPSTREAM_NEVER_SEEN;
		shared_state->voting_status = VOTING_STATUS_NO_VOTE;
		shared_state->current_electoral_term = 0;
		shared_state->candidate_node_id = UNKNOWN_NODE_ID;
		shared_state->follow_new_primary = false;
	}

	LWLockRelease(AddinShmemInitLock);
}


/* ---------------------------------------------------------------------------
 * Pause state file (schema.md §6): "<node_id>:<0|1>" plus a NUL byte
 * ---------------------------------------------------------------------------
 */

static void
state_file_path(char *path)
{
	snprintf(path, MAXPGPATH, "%s/%s/%s",
			 DataDir, PGSTAT_STAT_PERMANENT_DIRECTORY, REPMGRD_STATE_FILE);
}

/*
 * Returns false if there is nothing to restore: no file (repmgrd was never
 * paused on this server) or a file we cannot parse.
 */
static bool
read_state_file(int *node_id, bool *paused)
{
	char		path[MAXPGPATH];
	char		buf[64];
	size_t		len;
	int			file_node_id;
	int			file_paused;
	FILE	   *file;

	state_file_path(path);

	file = AllocateFile(path, PG_BINARY_R);
	if (file == NULL)
		return false;

	len = fread(buf, 1, sizeof(buf) - 1, file);
	FreeFile(file);
	buf[len] = '\0';

	if (sscanf(buf, "%i:%i", &file_node_id, &file_paused) != 2)
	{
		ereport(WARNING,
				(errmsg("unable to parse repmgrd state file")));
		return false;
	}

	*node_id = file_node_id;
	*paused = (file_paused == 1);
	return true;
}

/* On failure returns false with errno set; the caller reports it. */
static bool
write_state_file(const char *path, int node_id, bool paused)
{
	char		buf[64];
	FILE	   *file;
	bool		ok;
	int			save_errno;

	snprintf(buf, sizeof(buf), "%i:%i", node_id, paused ? 1 : 0);

	file = AllocateFile(path, PG_BINARY_W);
	if (file == NULL)
		return false;

	/* the terminating NUL byte is part of the format */
	errno = 0;
	ok = (fwrite(buf, strlen(buf) + 1, 1, file) == 1);
	/* a short write without errno most likely means out of space */
	save_errno = (errno != 0) ? errno : ENOSPC;
	if (FreeFile(file) != 0)
		return false;

	errno = save_errno;
	return ok;
}


/* ---------------------------------------------------------------------------
 * Local node identity
 * ---------------------------------------------------------------------------
 */

/*
 * The first caller wins until PostgreSQL restarts, so a second repmgrd
 * started by mistake cannot take over the node's identity.  The pause flag
 * is restored from the state file only if the file belongs to this node.
 */
Datum
repmgr_set_local_node_id(PG_FUNCTION_ARGS)
{
	int			node_id = PG_GETARG_INT32(0);
	int			file_node_id = UNKNOWN_NODE_ID;
	bool		file_paused = false;
	bool		have_file;

	if (shared_state == NULL)
		PG_RETURN_NULL();

	/* file I/O (and a possible WARNING) before taking the lock */
	have_file = read_state_file(&file_node_id, &file_paused);

	LWLockAcquire(shared_state->lock, LW_EXCLUSIVE);

	if (shared_state->local_node_id == UNKNOWN_NODE_ID)
		shared_state->local_node_id = node_id;

	if (have_file && file_node_id == shared_state->local_node_id)
		shared_state->repmgrd_paused = file_paused;

	LWLockRelease(shared_state->lock);

	PG_RETURN_VOID();
}

Datum
repmgr_get_local_node_id(PG_FUNCTION_ARGS)
{
	int			node_id;

	if (shared_state == NULL)
		PG_RETURN_NULL();

	LWLockAcquire(shared_state->lock, LW_SHARED);
	node_id = shared_state->local_node_id;
	LWLockRelease(shared_state->lock);

	PG_RETURN_INT32(node_id);
}


/* ---------------------------------------------------------------------------
 * Standby monitoring and upstream tracking
 * ---------------------------------------------------------------------------
 */

/* repmgrd calls this after each monitoring_history insert */
Datum
repmgr_standby_set_last_updated(PG_FUNCTION_ARGS)
{
	TimestampTz now = GetCurrentTimestamp();

	if (shared_state == NULL)
		PG_RETURN_NULL();

	LWLockAcquire(shared_state->lock, LW_EXCLUSIVE);
	shared_state->last_updated = now;
	LWLockRelease(shared_state->lock);

	PG_RETURN_TIMESTAMPTZ(now);
}

/* 2000-01-01 (timestamp 0) if never set */
Datum
repmgr_standby_get_last_updated(PG_FUNCTION_ARGS)
{
	TimestampTz last_updated;

	if (shared_state == NULL)
		PG_RETURN_NULL();

	LWLockAcquire(shared_state->lock, LW_SHARED);
	last_updated = shared_state->last_updated;
	LWLockRelease(shared_state->lock);

	PG_RETURN_TIMESTAMPTZ(last_updated);
}

Datum
repmgr_set_upstream_last_seen(PG_FUNCTION_ARGS)
{
	int			upstream_node_id = PG_GETARG_INT32(0);
	TimestampTz now = GetCurrentTimestamp();

	if (shared_state == NULL)
		PG_RETURN_VOID();

	LWLockAcquire(shared_state->lock, LW_EXCLUSIVE);
	shared_state->upstream_last_seen = now;
	shared_state->upstream_node_id = upstream_node_id;
	LWLockRelease(shared_state->lock);

	PG_RETURN_VOID();
}

/* whole seconds since set_upstream_last_seen(), -1 if never called */
Datum
repmgr_get_upstream_last_seen(PG_FUNCTION_ARGS)
{
	TimestampTz last_seen;
	long		secs;
	int			usecs;

	if (shared_state == NULL)
		PG_RETURN_INT32(-1);

	LWLockAcquire(shared_state->lock, LW_SHARED);
	last_seen = shared_state->upstream_last_seen;
	LWLockRelease(shared_state->lock);

	if (last_seen == UPSTREAM_NEVER_SEEN)
		PG_RETURN_INT32(-1);

	TimestampDifference(last_seen, GetCurrentTimestamp(), &secs, &usecs);

	PG_RETURN_INT32((int32) secs);
}

Datum
repmgr_get_upstream_node_id(PG_FUNCTION_ARGS)
{
	int			upstream_node_id;

	if (shared_state == NULL)
		PG_RETURN_NULL();

	LWLockAcquire(shared_state->lock, LW_SHARED);
	upstream_node_id = shared_state->upstream_node_id;
	LWLockRelease(shared_state->lock);

	PG_RETURN_INT32(upstream_node_id);
}

Datum
repmgr_set_upstream_node_id(PG_FUNCTION_ARGS)
{
	int			upstream_node_id = PG_GETARG_INT32(0);
	int			local_node_id;

	if (shared_state == NULL)
		PG_RETURN_NULL();

	LWLockAcquire(shared_state->lock, LW_EXCLUSIVE);

	local_node_id = shared_state->local_node_id;
	if (upstream_node_id != local_node_id)
		shared_state->upstream_node_id = upstream_node_id;

	LWLockRelease(shared_state->lock);

	if (upstream_node_id == local_node_id)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("upstream node id cannot be the same as the local node id")));

	PG_RETURN_VOID();
}

Datum
repmgr_get_wal_receiver_pid(PG_FUNCTION_ARGS)
{
	pid_t		pid = 0;

	if (shared_state == NULL)
		PG_RETURN_NULL();

	if (WalRcv != NULL)
	{
		SpinLockAcquire(&WalRcv->mutex);
		pid = WalRcv->pid;
		SpinLockRelease(&WalRcv->mutex);
	}

	PG_RETURN_INT32((int32) pid);
}


/* ---------------------------------------------------------------------------
 * Failover: "follow the new primary" notification
 * ---------------------------------------------------------------------------
 */

/*
 * Sent by the promoted node's repmgrd to its siblings.  Ignored while no
 * repmgrd has registered a local node id here, since nobody would read it.
 */
Datum
repmgr_notify_follow_primary(PG_FUNCTION_ARGS)
{
	int			primary_node_id = PG_GETARG_INT32(0);
	int			local_node_id;

	if (shared_state == NULL)
		PG_RETURN_VOID();

	LWLockAcquire(shared_state->lock, LW_EXCLUSIVE);

	local_node_id = shared_state->local_node_id;
	if (local_node_id != UNKNOWN_NODE_ID)
	{
		shared_state->candidate_node_id = primary_node_id;
		shared_state->follow_new_primary = true;
	}

	LWLockRelease(shared_state->lock);

	if (local_node_id == UNKNOWN_NODE_ID)
		PG_RETURN_VOID();

	if (primary_node_id == ELECTION_RERUN_NOTIFICATION)
		ereport(INFO,
				(errmsg("node %i received notification to rerun promotion candidate election",
						local_node_id)));
	else
		ereport(INFO,
				(errmsg("node %i received notification to follow node %i",
						local_node_id, primary_node_id)));

	PG_RETURN_VOID();
}

/* -1 unless a notification arrived; -2 asks for a new election */
Datum
repmgr_get_new_primary(PG_FUNCTION_ARGS)
{
	int			new_primary = UNKNOWN_NODE_ID;

	if (shared_state == NULL)
		PG_RETURN_INT32(UNKNOWN_NODE_ID);

	LWLockAcquire(shared_state->lock, LW_SHARED);
	if (shared_state->follow_new_primary)
		new_primary = shared_state->candidate_node_id;
	LWLockRelease(shared_state->lock);

	PG_RETURN_INT32(new_primary);
}

Datum
repmgr_reset_voting_status(PG_FUNCTION_ARGS)
{
	if (shared_state == NULL)
		PG_RETURN_NULL();

	LWLockAcquire(shared_state->lock, LW_EXCLUSIVE);

	if (shared_state->local_node_id != UNKNOWN_NODE_ID)
	{
		shared_state->voting_status = VOTING_STATUS_NO_VOTE;
		shared_state->candidate_node_id = UNKNOWN_NODE_ID;
		shared_state->follow_new_primary = false;
	}

	LWLockRelease(shared_state->lock);

	PG_RETURN_VOID();
}


/* ---------------------------------------------------------------------------
 * repmgrd process and pause flag
 * ---------------------------------------------------------------------------
 */

Datum
get_repmgrd_pid(PG_FUNCTION_ARGS)
{
	int			pid;

	if (shared_state == NULL)
		PG_RETURN_NULL();

	LWLockAcquire(shared_state->lock, LW_SHARED);
	pid = shared_state->repmgrd_pid;
	LWLockRelease(shared_state->lock);

	PG_RETURN_INT32(pid);
}

Datum
get_repmgrd_pidfile(PG_FUNCTION_ARGS)
{
	char		pidfile[MAXPGPATH];

	if (shared_state == NULL)
		PG_RETURN_NULL();

	LWLockAcquire(shared_state->lock, LW_SHARED);
	strlcpy(pidfile, shared_state->repmgrd_pidfile, sizeof(pidfile));
	LWLockRelease(shared_state->lock);

	if (pidfile[0] == '\0')
		PG_RETURN_NULL();

	PG_RETURN_TEXT_P(cstring_to_text(pidfile));
}

/*
 * Declared CALLED ON NULL INPUT: a NULL pid means "no repmgrd", a NULL
 * pidfile means repmgrd runs without one.  The pidfile is only kept
 * together with a real pid.
 */
Datum
set_repmgrd_pid(PG_FUNCTION_ARGS)
{
	int			pid = PG_ARGISNULL(0) ? UNKNOWN_PID : PG_GETARG_INT32(0);
	char	   *pidfile = NULL;

	if (shared_state == NULL)
		PG_RETURN_VOID();

	if (pid != UNKNOWN_PID && !PG_ARGISNULL(1))
	{
		pidfile = text_to_cstring(PG_GETARG_TEXT_PP(1));
		ereport(INFO,
				(errmsg("set_repmgrd_pid(): provided pidfile is %s", pidfile)));
	}

	LWLockAcquire(shared_state->lock, LW_EXCLUSIVE);

	shared_state->repmgrd_pid = pid;
	if (pidfile != NULL)
		strlcpy(shared_state->repmgrd_pidfile, pidfile, MAXPGPATH);
	else
		shared_state->repmgrd_pidfile[0] = '\0';

	LWLockRelease(shared_state->lock);

	PG_RETURN_VOID();
}

/*
 * Signal 0 only checks that the process exists.  The backend sends it, so
 * the answer is only meaningful if repmgrd runs on this host as a user the
 * backend may signal (EPERM also reads as "not running").
 */
Datum
repmgrd_is_running(PG_FUNCTION_ARGS)
{
	int			pid;

	if (shared_state == NULL)
		PG_RETURN_NULL();

	LWLockAcquire(shared_state->lock, LW_SHARED);
	pid = shared_state->repmgrd_pid;
	LWLockRelease(shared_state->lock);

	if (pid == UNKNOWN_PID)
		PG_RETURN_BOOL(false);

	PG_RETURN_BOOL(kill((pid_t) pid, 0) == 0);
}

/*
 * The flag is also written to the state file so that it survives a server
 * restart; set_local_node_id() reads it back.
 */
Datum
repmgrd_pause(PG_FUNCTION_ARGS)
{
	bool		paused = PG_GETARG_BOOL(0);
	char		path[MAXPGPATH];
	bool		written;
	int			save_errno;

	if (shared_state == NULL)
		PG_RETURN_NULL();

	state_file_path(path);

	/*
	 * Write the file under the lock, so that concurrent calls leave the file
	 * and the flag agreeing; but report a failure only after releasing it,
	 * since sending a message to the client may block.  The flag is set
	 * even if the file cannot be written.
	 */
	LWLockAcquire(shared_state->lock, LW_EXCLUSIVE);
	shared_state->repmgrd_paused = paused;
	written = write_state_file(path, shared_state->local_node_id, paused);
	save_errno = errno;
	LWLockRelease(shared_state->lock);

	if (!written)
	{
		errno = save_errno;
		ereport(WARNING,
				(errcode_for_file_access(),
				 errmsg("unable to write repmgrd state file \"%s\": %m", path)));
	}

	PG_RETURN_VOID();
}

Datum
repmgrd_is_paused(PG_FUNCTION_ARGS)
{
	bool		paused;

	if (shared_state == NULL)
		PG_RETURN_NULL();

	LWLockAcquire(shared_state->lock, LW_SHARED);
	paused = shared_state->repmgrd_paused;
	LWLockRelease(shared_state->lock);

	PG_RETURN_BOOL(paused);
}
