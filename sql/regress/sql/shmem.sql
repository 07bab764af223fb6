--
-- Shared-memory functions with shared_preload_libraries = 'repmgr'
-- (schema.md §4-§6). Runs in a fresh instance, so the state is initial.
--
SHOW shared_preload_libraries;

CREATE EXTENSION repmgr;
SET search_path = repmgr, public;

-- initial values after server start
SELECT get_local_node_id(), repmgrd_is_running(), repmgrd_is_paused(),
       get_repmgrd_pid(), get_new_primary(), get_upstream_node_id(),
       get_upstream_last_seen(), get_repmgrd_pidfile() IS NULL AS no_pidfile;
SELECT standby_get_last_updated() = '2000-01-01 00:00:00+00' AS last_updated_epoch;
-- a primary has no WAL receiver
SELECT get_wal_receiver_pid();

-- state file helpers: write raw text into the data directory, read it back
CREATE FUNCTION pg_temp.write_state_file(content text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('COPY (SELECT %L) TO %L', content,
                 current_setting('data_directory') || '/pg_stat/repmgrd_state.txt');
END $$;
CREATE FUNCTION pg_temp.read_state_file() RETURNS bytea
LANGUAGE sql AS $$ SELECT pg_read_binary_file('pg_stat/repmgrd_state.txt') $$;

--
-- set_local_node_id(): restores the pause flag saved for this node
--
SELECT pg_temp.write_state_file('7:1');
SELECT set_local_node_id(7);
SELECT get_local_node_id(), repmgrd_is_paused();

-- first caller wins
SELECT set_local_node_id(8);
SELECT get_local_node_id();

-- a state file of another node is ignored
SELECT repmgrd_pause(false);
SELECT pg_temp.write_state_file('9:1');
SELECT set_local_node_id(7);
SELECT repmgrd_is_paused();

-- unparsable state file
SELECT pg_temp.write_state_file('garbage');
SELECT set_local_node_id(7);
SELECT repmgrd_is_paused();

--
-- repmgrd_pause(): "<node_id>:<0|1>" followed by a NUL byte
--
SELECT repmgrd_pause(true);
SELECT repmgrd_is_paused(), pg_temp.read_state_file(),
       convert_from(rtrim(pg_temp.read_state_file(), '\x00'::bytea), 'SQL_ASCII');
SELECT repmgrd_pause(false);
SELECT repmgrd_is_paused(), pg_temp.read_state_file();
SELECT repmgrd_pause(true);
-- round trip: what repmgrd_pause() wrote, set_local_node_id() reads back
-- (the stored id stays 7, so this only re-applies the flag)
SELECT set_local_node_id(7);
SELECT repmgrd_is_paused();
SELECT repmgrd_pause(false);

--
-- upstream node
--
SELECT set_upstream_node_id(7);
DO $$
BEGIN
  PERFORM repmgr.set_upstream_node_id(7);
EXCEPTION WHEN invalid_parameter_value THEN
  RAISE NOTICE 'caught SQLSTATE %: %', SQLSTATE, SQLERRM;
END $$;
SELECT get_upstream_node_id();
SELECT set_upstream_node_id(3);
SELECT get_upstream_node_id();

SELECT get_upstream_last_seen();
SELECT set_upstream_last_seen(4);
SELECT get_upstream_node_id(), get_upstream_last_seen() BETWEEN 0 AND 5 AS seen_recently;

--
-- standby last updated
--
SELECT standby_set_last_updated() BETWEEN now() AND clock_timestamp() AS set_returns_now;
SELECT standby_get_last_updated() BETWEEN now() - interval '1 minute' AND clock_timestamp()
       AS get_returns_stored;

--
-- follow notification and voting status
--
SELECT get_new_primary();
SELECT notify_follow_primary(2);
SELECT get_new_primary();
SELECT notify_follow_primary(-2);
SELECT get_new_primary();
SELECT reset_voting_status();
SELECT get_new_primary();

--
-- repmgrd PID and PID file
--
SELECT set_repmgrd_pid(pg_backend_pid(), '/var/run/repmgrd.pid');
SELECT get_repmgrd_pid() = pg_backend_pid() AS pid_stored,
       get_repmgrd_pidfile(), repmgrd_is_running();

-- a PID that cannot exist (above any pid_max); NULL pidfile clears it
SELECT set_repmgrd_pid(2147483647, NULL);
SELECT get_repmgrd_pid(), get_repmgrd_pidfile() IS NULL AS no_pidfile,
       repmgrd_is_running();

-- NULL pid means no repmgrd; the pidfile is then not kept
SELECT set_repmgrd_pid(NULL, '/var/run/repmgrd.pid');
SELECT get_repmgrd_pid(), get_repmgrd_pidfile() IS NULL AS no_pidfile,
       repmgrd_is_running();

SELECT set_repmgrd_pid(-1, '/var/run/repmgrd.pid');
SELECT get_repmgrd_pid(), get_repmgrd_pidfile() IS NULL AS no_pidfile;

-- the state is shared: another session sees it
SELECT set_repmgrd_pid(pg_backend_pid(), '/tmp/repmgrd.pid');
\c
SELECT repmgr.get_local_node_id(), repmgr.get_repmgrd_pidfile(),
       repmgr.get_repmgrd_pid() <> pg_backend_pid() AS other_backend;

-- strict functions ignore NULL input
SELECT repmgr.set_upstream_node_id(NULL), repmgr.get_upstream_node_id();
