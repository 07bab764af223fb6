--
-- ALTER EXTENSION repmgr UPDATE from 4.0 to 5.3 through every upgrade script.
-- We ship no install script for old versions, so a 5.3 install is turned into
-- what a 4.x one looks like to the upgrade chain: version 4.0, the twelve
-- functions bound to their pre-5.3 unprefixed symbols (two of them missing),
-- no pid/pause functions, the BDR functions present, no pg_dump config.
--
CREATE DATABASE repmgr_upgrade;
\c repmgr_upgrade

CREATE EXTENSION repmgr;

-- the six functions 4.1--4.2 creates
ALTER EXTENSION repmgr DROP FUNCTION repmgr.get_repmgrd_pid();
ALTER EXTENSION repmgr DROP FUNCTION repmgr.get_repmgrd_pidfile();
ALTER EXTENSION repmgr DROP FUNCTION repmgr.set_repmgrd_pid(INT, TEXT);
ALTER EXTENSION repmgr DROP FUNCTION repmgr.repmgrd_is_running();
ALTER EXTENSION repmgr DROP FUNCTION repmgr.repmgrd_pause(BOOL);
ALTER EXTENSION repmgr DROP FUNCTION repmgr.repmgrd_is_paused();
DROP FUNCTION repmgr.get_repmgrd_pid(), repmgr.get_repmgrd_pidfile(),
              repmgr.set_repmgrd_pid(INT, TEXT), repmgr.repmgrd_is_running(),
              repmgr.repmgrd_pause(BOOL), repmgr.repmgrd_is_paused();

-- functions an install upgraded through the empty 4.2--4.3/4.3--4.4 lacks
ALTER EXTENSION repmgr DROP FUNCTION repmgr.set_upstream_node_id(INT);
ALTER EXTENSION repmgr DROP FUNCTION repmgr.get_wal_receiver_pid();
DROP FUNCTION repmgr.set_upstream_node_id(INT), repmgr.get_wal_receiver_pid();

-- pre-5.3 symbol names; they do not exist in our library, and C functions
-- are checked on creation even with check_function_bodies off, hence the
-- catalog update
UPDATE pg_proc SET prosrc = substr(prosrc, length('repmgr_') + 1)
 WHERE pronamespace = 'repmgr'::regnamespace AND prosrc LIKE 'repmgr\_%';
SELECT count(*) AS unprefixed FROM pg_proc
 WHERE pronamespace = 'repmgr'::regnamespace AND prosrc NOT LIKE 'repmgr\_%';

CREATE FUNCTION repmgr.am_bdr_failover_handler(INT) RETURNS BOOL
  LANGUAGE sql AS 'SELECT false';
CREATE FUNCTION repmgr.unset_bdr_failover_handler() RETURNS VOID
  LANGUAGE sql AS '';
ALTER EXTENSION repmgr ADD FUNCTION repmgr.am_bdr_failover_handler(INT);
ALTER EXTENSION repmgr ADD FUNCTION repmgr.unset_bdr_failover_handler();

UPDATE pg_extension SET extversion = '4.0', extconfig = NULL, extcondition = NULL
 WHERE extname = 'repmgr';

INSERT INTO repmgr.nodes (node_id, node_name, type, conninfo, repluser, config_file)
VALUES (1, 'node1', 'primary', 'host=h1', 'repmgr', '/etc/repmgr.conf');

ALTER EXTENSION repmgr UPDATE;

SELECT extversion FROM pg_extension WHERE extname = 'repmgr';

-- data survives
SELECT node_id, node_name FROM repmgr.nodes;

-- same 18 functions as a fresh install, all bound to symbols of our library;
-- set_repmgrd_pid() is strict after 4.4--5.0 (schema.md §4 known divergence)
SELECT p.oid::regprocedure AS function, p.prorettype::regtype AS returns,
       p.proisstrict, p.prosrc
  FROM pg_proc p
 WHERE p.pronamespace = 'repmgr'::regnamespace
 ORDER BY p.oid::regprocedure::text;

SELECT count(*) AS members FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'repmgr')
   AND deptype = 'e';

SELECT cfg::regclass, cond
  FROM pg_extension e,
       unnest(e.extconfig, e.extcondition) AS x(cfg, cond)
 WHERE e.extname = 'repmgr'
 ORDER BY 1::text;

-- the functions work (no shared memory in this instance)
SELECT repmgr.get_new_primary(), repmgr.get_wal_receiver_pid() IS NULL AS walrcv_null;

-- already at the newest version
ALTER EXTENSION repmgr UPDATE;

-- the schema stays: CREATE EXTENSION created it but it is not a member
DROP EXTENSION repmgr;
SELECT count(*) AS left_over FROM pg_namespace WHERE nspname = 'repmgr';

\c regression
DROP DATABASE repmgr_upgrade;
