-- repmgr 4.3 -> 4.4: intentionally empty.
-- This step once created functions bound to C symbols that the 5.3 library
-- no longer provides; repmgr--5.2--5.3.sql (re)creates all of those
-- functions with their current symbols, so nothing is needed here
-- (schema.md §1).
-- SPDX-License-Identifier: GPL-3.0-or-later

\echo Use "ALTER EXTENSION repmgr UPDATE" to load this file. \quit
