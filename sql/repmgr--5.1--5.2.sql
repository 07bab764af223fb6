-- repmgr 5.1 -> 5.2: let pg_dump include the metadata tables' contents.
-- SPDX-License-Identifier: GPL-3.0-or-later

\echo Use "ALTER EXTENSION repmgr UPDATE" to load this file. \quit

SELECT pg_catalog.pg_extension_config_dump('repmgr.nodes', '');
SELECT pg_catalog.pg_extension_config_dump('repmgr.events', '');
SELECT pg_catalog.pg_extension_config_dump('repmgr.monitoring_history', '');
