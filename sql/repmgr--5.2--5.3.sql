-- repmgr 5.2 -> 5.3: the library's C functions were renamed with a repmgr_
-- prefix; bind the SQL functions to the new symbols. CREATE OR REPLACE also
-- creates the ones an install upgraded through the empty 4.2->4.3 and
-- 4.3->4.4 steps does not have.
-- SPDX-License-Identifier: GPL-3.0-or-later

\echo Use "ALTER EXTENSION repmgr UPDATE" to load this file. \quit

CREATE OR REPLACE FUNCTION repmgr.set_local_node_id(INT)
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'repmgr_set_local_node_id'
  LANGUAGE C STRICT;

CREATE OR REPLACE FUNCTION repmgr.get_local_node_id()
  RETURNS INT
  AS 'MODULE_PATHNAME', 'repmgr_get_local_node_id'
  LANGUAGE C STRICT;

CREATE OR REPLACE FUNCTION repmgr.standby_set_last_updated()
  RETURNS TIMESTAMP WITH TIME ZONE
  AS 'MODULE_PATHNAME', 'repmgr_standby_set_last_updated'
  LANGUAGE C STRICT;

CREATE OR REPLACE FUNCTION repmgr.standby_get_last_updated()
  RETURNS TIMESTAMP WITH TIME ZONE
  AS 'MODULE_PATHNAME', 'repmgr_standby_get_last_updated'
  LANGUAGE C STRICT;

CREATE OR REPLACE FUNCTION repmgr.set_upstream_last_seen(INT)
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'repmgr_set_upstream_last_seen'
  LANGUAGE C STRICT;

CREATE OR REPLACE FUNCTION repmgr.get_upstream_last_seen()
  RETURNS INT
  AS 'MODULE_PATHNAME', 'repmgr_get_upstream_last_seen'
  LANGUAGE C STRICT;

CREATE OR REPLACE FUNCTION repmgr.get_upstream_node_id()
  RETURNS INT
  AS 'MODULE_PATHNAME', 'repmgr_get_upstream_node_id'
  LANGUAGE C STRICT;

CREATE OR REPLACE FUNCTION repmgr.set_upstream_node_id(INT)
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'repmgr_set_upstream_node_id'
  LANGUAGE C STRICT;

CREATE OR REPLACE FUNCTION repmgr.notify_follow_primary(INT)
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'repmgr_notify_follow_primary'
  LANGUAGE C STRICT;

CREATE OR REPLACE FUNCTION repmgr.get_new_primary()
  RETURNS INT
  AS 'MODULE_PATHNAME', 'repmgr_get_new_primary'
  LANGUAGE C STRICT;

CREATE OR REPLACE FUNCTION repmgr.reset_voting_status()
  RETURNS VOID
  AS 'MODULE_PATHNAME', 'repmgr_reset_voting_status'
  LANGUAGE C STRICT;

CREATE OR REPLACE FUNCTION repmgr.get_wal_receiver_pid()
  RETURNS INT
  AS 'MODULE_PATHNAME', 'repmgr_get_wal_receiver_pid'
  LANGUAGE C STRICT;
