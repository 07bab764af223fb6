-- repmgr extension 5.3: metadata tables, views and repmgrd support functions.
-- Object names, column types, defaults and constraints follow schema.md §2-§4
-- exactly, because a database created by the original repmgr must be usable
-- by our binaries and the other way round.
-- SPDX-License-Identifier: GPL-3.0-or-later

\echo Use "CREATE EXTENSION repmgr" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Tables (schema.md §2)
-- ---------------------------------------------------------------------------

CREATE TABLE repmgr.nodes (
  node_id           INTEGER      PRIMARY KEY,
  -- DEFERRABLE (checked per statement unless a transaction defers it), so
  -- records that point at each other can be rewritten in one transaction
  upstream_node_id  INTEGER      NULL REFERENCES repmgr.nodes (node_id) DEFERRABLE,
  active            BOOLEAN      NOT NULL DEFAULT TRUE,
  node_name         TEXT         NOT NULL,
  type              TEXT         NOT NULL CHECK (type IN ('primary', 'standby', 'witness', 'bdr')),
  location          TEXT         NOT NULL DEFAULT 'default',
  priority          INT          NOT NULL DEFAULT 100,
  conninfo          TEXT         NOT NULL,
  repluser          VARCHAR(63)  NOT NULL,
  slot_name         TEXT         NULL,
  config_file       TEXT         NOT NULL
);

-- events deliberately has no key and no foreign key: the log must survive
-- the removal of the node it talks about
CREATE TABLE repmgr.events (
  node_id          INTEGER                   NOT NULL,
  event            TEXT                      NOT NULL,
  successful       BOOLEAN                   NOT NULL DEFAULT TRUE,
  event_timestamp  TIMESTAMP WITH TIME ZONE  NOT NULL DEFAULT CURRENT_TIMESTAMP,
  details          TEXT                      NULL
);

CREATE TABLE repmgr.monitoring_history (
  primary_node_id            INTEGER                   NOT NULL,
  standby_node_id            INTEGER                   NOT NULL,
  last_monitor_time          TIMESTAMP WITH TIME ZONE  NOT NULL,
  last_apply_time            TIMESTAMP WITH TIME ZONE,
  last_wal_primary_location  PG_LSN                    NOT NULL,
  last_wal_standby_location  PG_LSN,
  replication_lag            BIGINT                    NOT NULL,
  apply_lag                  BIGINT                    NOT NULL
);

CREATE INDEX idx_monitoring_history_time
  ON repmgr.monitoring_history (last_monitor_time, standby_node_id);

-- the electoral term is a single row that can be updated but neither
-- duplicated (unique index on a constant) nor deleted (rule)
CREATE TABLE repmgr.voting_term (
  term  INT  NOT NULL
);

CREATE UNIQUE INDEX voting_term_restrict
  ON repmgr.voting_term ((TRUE));

CREATE RULE voting_term_delete AS
  ON DELETE TO repmgr.voting_term DO INSTEAD NOTHING;

-- pg_dump includes the contents of these tables (voting_term is left out on
-- purpose: "primary register" initialises it)
SELECT pg_catalog.pg_extension_config_dump('repmgr.nodes', '');
SELECT pg_catalog.pg_extension_config_dump('repmgr.events', '');
SELECT pg_catalog.pg_extension_config_dump('repmgr.monitoring_history', '');

-- ---------------------------------------------------------------------------
-- Functions (schema.md §4). They read and write the shared-memory segment
-- that exists only when repmgr is in shared_preload_libraries.
-- ---------------------------------------------------------------------------

CREATE FUNCTION repmgr.set_local_node_id(INT)
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'repmgr_set_local_node_id'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.get_local_node_id()
  RETURNS INT
  AS 'MODULE_PATHNAME', 'repmgr_get_local_node_id'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.standby_set_last_updated()
  RETURNS TIMESTAMP WITH TIME ZONE
  AS 'MODULE_PATHNAME', 'repmgr_standby_set_last_updated'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.standby_get_last_updated()
  RETURNS TIMESTAMP WITH TIME ZONE
  AS 'MODULE_PATHNAME', 'repmgr_standby_get_last_updated'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.set_upstream_last_seen(INT)
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'repmgr_set_upstream_last_seen'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.get_upstream_last_seen()
  RETURNS INT
  AS 'MODULE_PATHNAME', 'repmgr_get_upstream_last_seen'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.get_upstream_node_id()
  RETURNS INT
  AS 'MODULE_PATHNAME', 'repmgr_get_upstream_node_id'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.set_upstream_node_id(INT)
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'repmgr_set_upstream_node_id'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.notify_follow_primary(INT)
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'repmgr_notify_follow_primary'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.get_new_primary()
  RETURNS INT
  AS 'MODULE_PATHNAME', 'repmgr_get_new_primary'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.reset_voting_status()
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'repmgr_reset_voting_status'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.get_wal_receiver_pid()
  RETURNS INT
  AS 'MODULE_PATHNAME', 'repmgr_get_wal_receiver_pid'
  LANGUAGE C STRICT;

-- The six repmgrd pid/pause functions keep the C symbol names the original
-- extension uses (no repmgr_ prefix; it only renamed the twelve above), so
-- either shared library works with a database created by either extension.

CREATE FUNCTION repmgr.get_repmgrd_pid()
  RETURNS INT
  AS 'MODULE_PATHNAME', 'get_repmgrd_pid'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.get_repmgrd_pidfile()
  RETURNS TEXT
  AS 'MODULE_PATHNAME', 'get_repmgrd_pidfile'
  LANGUAGE C STRICT;

-- not STRICT: repmgrd passes a NULL pidfile when it runs without a PID file
CREATE FUNCTION repmgr.set_repmgrd_pid(INT, TEXT)
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'set_repmgrd_pid'
  LANGUAGE C CALLED ON NULL INPUT;

CREATE FUNCTION repmgr.repmgrd_is_running()
  RETURNS BOOL
  AS 'MODULE_PATHNAME', 'repmgrd_is_running'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.repmgrd_pause(BOOL)
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'repmgrd_pause'
  LANGUAGE C STRICT;

CREATE FUNCTION repmgr.repmgrd_is_paused()
  RETURNS BOOL
  AS 'MODULE_PATHNAME', 'repmgrd_is_paused'
  LANGUAGE C STRICT;

-- ---------------------------------------------------------------------------
-- Views (schema.md §3); created last because replication_status calls
-- standby_get_last_updated()
-- ---------------------------------------------------------------------------

CREATE VIEW repmgr.show_nodes AS
  SELECT n.node_id,
         n.node_name,
         n.active,
         n.upstream_node_id,
         un.node_name AS upstream_node_name,
         n.type,
         n.priority,
         n.conninfo
    FROM repmgr.nodes n
    LEFT JOIN repmgr.nodes un
           ON un.node_id = n.upstream_node_id;

-- newest monitoring_history row of each standby; lag columns only make
-- sense for standbys, so they are NULL for other node types
CREATE VIEW repmgr.replication_status AS
  SELECT m.primary_node_id,
         m.standby_node_id,
         n.node_name AS standby_name,
         n.type AS node_type,
         n.active,
         m.last_monitor_time,
         CASE WHEN n.type = 'standby'
              THEN m.last_wal_primary_location
              ELSE NULL
         END AS last_wal_primary_location,
         m.last_wal_standby_location,
         CASE WHEN n.type = 'standby'
              THEN pg_catalog.pg_size_pretty(m.replication_lag)
              ELSE NULL
         END AS replication_lag,
         CASE WHEN n.type = 'standby'
              THEN CASE WHEN m.replication_lag > 0
                        THEN pg_catalog.age(pg_catalog.now(), m.last_apply_time)
                        ELSE '0'::INTERVAL
                   END
              ELSE NULL
         END AS replication_time_lag,
         CASE WHEN n.type = 'standby'
              THEN pg_catalog.pg_size_pretty(m.apply_lag)
              ELSE NULL
         END AS apply_lag,
         -- on a standby the monitoring row comes from the primary, so ask
         -- the local repmgrd when it last wrote one
         pg_catalog.age(pg_catalog.now(),
                        CASE WHEN pg_catalog.pg_is_in_recovery()
                             THEN repmgr.standby_get_last_updated()
                             ELSE m.last_monitor_time
                        END) AS communication_time_lag
    FROM repmgr.monitoring_history m
    JOIN repmgr.nodes n
      ON m.standby_node_id = n.node_id
   WHERE (m.standby_node_id, m.last_monitor_time) IN
         (SELECT m1.standby_node_id, MAX(m1.last_monitor_time)
            FROM repmgr.monitoring_history m1
           GROUP BY 1);
