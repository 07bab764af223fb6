--
-- Objects of the repmgr extension (schema.md §1-§4) and the behaviour of its
-- tables and views. Runs without shared_preload_libraries.
--
CREATE EXTENSION repmgr;

SELECT e.extversion, n.nspname, e.extrelocatable
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'repmgr';

SELECT name, default_version, comment
  FROM pg_available_extensions WHERE name = 'repmgr';

-- only 5.3 has an install script; older versions are upgrade sources only
SELECT version, superuser, relocatable, schema
  FROM pg_available_extension_versions WHERE name = 'repmgr' ORDER BY 1;

SELECT path FROM pg_extension_update_paths('repmgr')
 WHERE source = '4.0' AND target = '5.3';

-- tables and views
SELECT c.relname, c.relkind
  FROM pg_class c
 WHERE c.relnamespace = 'repmgr'::regnamespace
 ORDER BY 1;

SELECT table_name, column_name, data_type, character_maximum_length,
       is_nullable, column_default
  FROM information_schema.columns
 WHERE table_schema = 'repmgr'
 ORDER BY table_name, ordinal_position;

SELECT conrelid::regclass, conname, contype, condeferrable, condeferred,
       pg_get_constraintdef(oid)
  FROM pg_constraint
 WHERE connamespace = 'repmgr'::regnamespace
 ORDER BY 1, 2;

SELECT indexname, indexdef FROM pg_indexes
 WHERE schemaname = 'repmgr' ORDER BY 1;

SELECT tablename, rulename, definition FROM pg_rules
 WHERE schemaname = 'repmgr';

-- tables whose contents pg_dump includes
SELECT cfg::regclass, cond
  FROM pg_extension e,
       unnest(e.extconfig, e.extcondition) AS x(cfg, cond)
 WHERE e.extname = 'repmgr'
 ORDER BY 1::text;

-- the 18 functions: signature, result, strictness, volatility, C symbol
SELECT p.oid::regprocedure AS function, p.prorettype::regtype AS returns,
       p.proisstrict, p.provolatile, l.lanname, p.prosrc, p.probin
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'repmgr'::regnamespace
 ORDER BY p.oid::regprocedure::text;

-- every object belongs to the extension
SELECT count(*) AS members FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'repmgr')
   AND deptype = 'e';

--
-- nodes
--
SET search_path = repmgr, public;

INSERT INTO nodes (node_id, node_name, type, conninfo, repluser, config_file)
VALUES (1, 'node1', 'primary', 'host=h1 dbname=repmgr', 'repmgr', '/etc/repmgr1.conf');

-- defaults
SELECT node_id, upstream_node_id, active, location, priority, slot_name
  FROM nodes;

INSERT INTO nodes (node_id, upstream_node_id, node_name, type, location, priority,
                   conninfo, repluser, slot_name, config_file)
VALUES (2, 1, 'node2', 'standby', 'dc2', 90, 'host=h2 dbname=repmgr', 'repmgr',
        'repmgr_slot_2', '/etc/repmgr2.conf'),
       (3, 1, 'witness', 'witness', 'default', 0, 'host=h3 dbname=repmgr', 'repmgr',
        NULL, '/etc/repmgr3.conf');

-- type is restricted
INSERT INTO nodes (node_id, node_name, type, conninfo, repluser, config_file)
VALUES (4, 'node4', 'replica', 'host=h4', 'repmgr', '/etc/repmgr4.conf');

-- the upstream must exist, checked at once unless deferred
INSERT INTO nodes (node_id, upstream_node_id, node_name, type, conninfo, repluser, config_file)
VALUES (4, 5, 'node4', 'standby', 'host=h4', 'repmgr', '/etc/repmgr4.conf');

BEGIN;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO nodes (node_id, upstream_node_id, node_name, type, conninfo, repluser, config_file)
VALUES (4, 5, 'node4', 'standby', 'host=h4', 'repmgr', '/etc/repmgr4.conf');
INSERT INTO nodes (node_id, upstream_node_id, node_name, type, conninfo, repluser, config_file)
VALUES (5, 1, 'node5', 'standby', 'host=h5', 'repmgr', '/etc/repmgr5.conf');
COMMIT;

-- repluser is VARCHAR(63)
UPDATE nodes SET repluser = repeat('x', 64) WHERE node_id = 5;

-- duplicate node_id
INSERT INTO nodes (node_id, node_name, type, conninfo, repluser, config_file)
VALUES (1, 'again', 'primary', 'host=h1', 'repmgr', '/etc/repmgr1.conf');

SELECT * FROM show_nodes ORDER BY node_id;

--
-- events
--
INSERT INTO events (node_id, event, details)
VALUES (1, 'primary_register', NULL)
RETURNING node_id, event, successful, event_timestamp IS NOT NULL AS has_timestamp;

INSERT INTO events (node_id, event, successful, details)
VALUES (99, 'standby_clone', false, 'no FK: events survive node deletion');

SELECT node_id, event, successful, details FROM events ORDER BY node_id;

--
-- monitoring_history and replication_status (one transaction: one now();
-- UTC: age() must not cross a DST change)
--
SET TimeZone = 'UTC';
BEGIN;
INSERT INTO monitoring_history VALUES
  -- older row for node 2: must not show up
  (1, 2, now() - interval '10 min', now() - interval '10 min', '0/3000000', '0/2000000', 5000, 7000),
  (1, 2, now() - interval '5 min', now() - interval '6 min', '0/3000400', '0/3000000', 1024, 2048),
  (1, 4, now() - interval '1 min', now() - interval '1 min', '0/3000400', '0/3000400', 0, 0),
  (1, 3, now() - interval '2 min', NULL, '0/3000400', NULL, 10, 10);

SELECT primary_node_id, standby_node_id, standby_name, node_type, active,
       now() - last_monitor_time AS monitor_age,
       last_wal_primary_location, last_wal_standby_location,
       replication_lag, replication_time_lag, apply_lag, communication_time_lag
  FROM replication_status ORDER BY standby_node_id;
COMMIT;

SELECT column_name, data_type
  FROM information_schema.columns
 WHERE table_schema = 'repmgr' AND table_name = 'replication_status'
 ORDER BY ordinal_position;

--
-- voting_term: one row, which cannot be deleted
--
INSERT INTO voting_term (term) VALUES (1);
INSERT INTO voting_term (term) VALUES (2);
DELETE FROM voting_term;
UPDATE voting_term SET term = term + 1;
SELECT * FROM voting_term;

RESET search_path;
RESET TimeZone;
