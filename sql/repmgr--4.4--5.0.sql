-- repmgr 4.4 -> 5.0.
-- SPDX-License-Identifier: GPL-3.0-or-later

\echo Use "ALTER EXTENSION repmgr UPDATE" to load this file. \quit

-- Kept as the original 5.0 upgrade does it, although it makes
-- set_repmgrd_pid() strict on upgraded installations while a fresh 5.3
-- install has it CALLED ON NULL INPUT (schema.md §4, known divergence: a
-- NULL pidfile argument then turns the call into a no-op).
ALTER FUNCTION repmgr.set_repmgrd_pid(INT, TEXT) RETURNS NULL ON NULL INPUT;
