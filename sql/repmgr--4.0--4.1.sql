-- repmgr 4.0 -> 4.1: no schema change.
-- SPDX-License-Identifier: GPL-3.0-or-later

\echo Use "ALTER EXTENSION repmgr UPDATE" to load this file. \quit
