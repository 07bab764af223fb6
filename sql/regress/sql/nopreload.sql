--
-- Without shared_preload_libraries there is no shared state (schema.md §4):
-- functions return NULL, get_upstream_last_seen() and get_new_primary()
-- return -1, and the VOID setters set_upstream_last_seen(),
-- notify_follow_primary() and set_repmgrd_pid() return void without effect.
--
SHOW shared_preload_libraries;

SELECT repmgr.get_local_node_id() IS NULL AS local_node_id_null,
       repmgr.repmgrd_is_running() IS NULL AS is_running_null,
       repmgr.repmgrd_is_paused() IS NULL AS is_paused_null,
       repmgr.get_repmgrd_pid() IS NULL AS pid_null,
       repmgr.get_repmgrd_pidfile() IS NULL AS pidfile_null,
       repmgr.get_upstream_node_id() IS NULL AS upstream_null,
       repmgr.standby_get_last_updated() IS NULL AS last_updated_null,
       repmgr.get_wal_receiver_pid() IS NULL AS walrcv_null;

SELECT repmgr.get_upstream_last_seen(), repmgr.get_new_primary();

-- setters: NULL, except the three VOID ones named in schema.md
SELECT repmgr.set_local_node_id(1) IS NULL AS set_local_null,
       repmgr.set_upstream_node_id(2) IS NULL AS set_upstream_null,
       repmgr.reset_voting_status() IS NULL AS reset_null,
       repmgr.repmgrd_pause(true) IS NULL AS pause_null,
       repmgr.standby_set_last_updated() IS NULL AS set_last_updated_null;

-- no INFO messages, no state change
SELECT repmgr.set_upstream_last_seen(2) IS NULL AS last_seen_null,
       repmgr.notify_follow_primary(2) IS NULL AS notify_null,
       repmgr.set_repmgrd_pid(pg_backend_pid(), '/tmp/repmgrd.pid') IS NULL AS set_pid_null;

SELECT repmgr.get_local_node_id() IS NULL AS local_node_id_null,
       repmgr.get_upstream_last_seen(), repmgr.get_new_primary(),
       repmgr.get_repmgrd_pid() IS NULL AS pid_null;

-- repmgrd_pause() did not write the state file
SELECT pg_stat_file('pg_stat/repmgrd_state.txt', true) IS NULL AS no_state_file;

-- strict functions ignore NULL input; set_repmgrd_pid() is CALLED ON NULL INPUT
SELECT repmgr.set_local_node_id(NULL) IS NULL AS strict_null,
       repmgr.set_repmgrd_pid(NULL, NULL) IS NULL AS set_pid_null;
