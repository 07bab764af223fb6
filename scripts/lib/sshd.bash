# Sourced by scripts/test and scripts/bench. Needs as_pg_user and log from the caller.
# shellcheck shell=bash
# A private sshd on loopback for the switchover/rejoin tests (TESTING.md "sshd"). It runs as the
# user the tests run PostgreSQL as, so it can only log that user in. ed25519 keys only.
ssh_dir=""
sshd_pid=""
start_sshd() {
  local port deadline
  ssh_dir=$(mktemp -d /tmp/pgt-ssh.XXXXXX)
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$ssh_dir"
  chmod 700 "$ssh_dir"
  as_pg_user ssh-keygen -q -t ed25519 -N '' -f "$ssh_dir/host_key"
  as_pg_user ssh-keygen -q -t ed25519 -N '' -f "$ssh_dir/id_ed25519"
  as_pg_user cp "$ssh_dir/id_ed25519.pub" "$ssh_dir/authorized_keys"
  for port in $(seq 30000 30999); do   # outside the PortAllocator range (20000-29999)
    [ -z "$(ss -Hltn "sport = :$port")" ] && break
  done
  as_pg_user tee "$ssh_dir/sshd_config" >/dev/null <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $ssh_dir/host_key
PidFile none
AuthorizedKeysFile $ssh_dir/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
CONF
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups --reset-env \
      /usr/sbin/sshd -D -e -f "$ssh_dir/sshd_config" 2>"$ssh_dir/sshd.log" &
  else
    /usr/sbin/sshd -D -e -f "$ssh_dir/sshd_config" 2>"$ssh_dir/sshd.log" &
  fi
  sshd_pid=$!   # setpriv execs: this is sshd itself
  deadline=$((SECONDS + 10))
  until ss -Hltn "sport = :$port" | grep -q .; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 "$sshd_pid" 2>/dev/null; then
      echo "scripts/test: sshd did not start:" >&2
      cat "$ssh_dir/sshd.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  ssh-keyscan -p "$port" -t ed25519 127.0.0.1 2>/dev/null | as_pg_user tee "$ssh_dir/known_hosts" >/dev/null
  export REPMGR_TEST_SSH_PORT=$port REPMGR_TEST_SSH_KEY=$ssh_dir/id_ed25519
  export REPMGR_TEST_SSH_KNOWN_HOSTS=$ssh_dir/known_hosts
  log "sshd on 127.0.0.1:$port (pid $sshd_pid)"
}

# Stops the sshd started by start_sshd (by its PID) and removes its directory.
stop_sshd() {
  if [ -n "$sshd_pid" ]; then kill "$sshd_pid" 2>/dev/null || true; wait "$sshd_pid" 2>/dev/null || true; fi
  if [ -n "$ssh_dir" ]; then rm -rf "$ssh_dir"; fi
  sshd_pid=""
  ssh_dir=""
}
