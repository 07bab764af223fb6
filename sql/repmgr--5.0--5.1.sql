-- repmgr 5.0 -> 5.1: BDR support was removed from repmgr.
-- SPDX-License-Identifier: GPL-3.0-or-later

\echo Use "ALTER EXTENSION repmgr UPDATE" to load this file. \quit

-- IF EXISTS: the result is the same whether or not an older install still
-- carries them
DROP FUNCTION IF EXISTS repmgr.am_bdr_failover_handler(INT);
DROP FUNCTION IF EXISTS repmgr.unset_bdr_failover_handler();
