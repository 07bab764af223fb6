#!/bin/sh
# Runs pg_regress for the repmgr extension in a throwaway instance, using the
# extension INSTALLED for that server (cmake --install / make install first).
#
#   run_regress.sh [--pg-config PATH] [--port N] [--preload] TEST...
#
# --preload adds shared_preload_libraries = 'repmgr'. initdb refuses to run as
# root, so as root pg_regress runs as user postgres; the work directory is a
# fresh one under /tmp that postgres owns. It is removed on success and kept
# (with regression.diffs printed) on failure.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

pg_config=pg_config
port=
preload=no
while [ $# -gt 0 ]; do
    case "$1" in
        --pg-config) pg_config=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --preload) preload=yes; shift ;;
        --) shift; break ;;
        -*) echo "run_regress.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
if [ $# -eq 0 ]; then
    echo "run_regress.sh: no tests given" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
bindir=$("$pg_config" --bindir)
pg_regress=$(dirname "$("$pg_config" --pgxs)")/../test/regress/pg_regress
if [ ! -x "$pg_regress" ]; then
    echo "run_regress.sh: pg_regress not found at $pg_regress" >&2
    exit 1
fi

work=$(mktemp -d /tmp/repmgr-regress.XXXXXX)
# copies, so that postgres need not be able to read the source tree
cp -R "$here/sql" "$here/expected" "$work/"

set -- --bindir="$bindir" --inputdir="$work" --outputdir="$work" \
       --temp-instance="$work/instance" ${port:+--port="$port"} "$@"
if [ "$preload" = yes ]; then
    echo "shared_preload_libraries = 'repmgr'" > "$work/preload.conf"
    set -- --temp-config="$work/preload.conf" "$@"
fi

status=0
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres: "$work"
    (cd "$work" && runuser -u postgres -- "$pg_regress" "$@") || status=$?
else
    (cd "$work" && "$pg_regress" "$@") || status=$?
fi

if [ "$status" -eq 0 ]; then
    rm -rf "$work"
    exit 0
fi
if [ -f "$work/regression.diffs" ]; then
    cat "$work/regression.diffs"
fi
if [ -f "$work/log/postmaster.log" ]; then
    echo "---- tail of $work/log/postmaster.log"
    tail -n 20 "$work/log/postmaster.log"
fi
echo "run_regress.sh: pg_regress failed (exit $status); kept $work" >&2
exit 1
