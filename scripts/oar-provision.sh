#!/bin/bash
# The Dockerfiles and healthchecks exec this file directly (no shell in between): without this
# line the kernel refuses it (ENOEXEC), and a /bin/sh that retries it is dash, not bash.
# OAR 2.5.9 provisioning from Debian bookworm packages: the sandbox steps (docs/oar-sandbox.md) as
# functions, one per step. This file is the single source of truth for both scripts/oar-sandbox
# (every role on one host, loopback only) and the docker/ images (one role per container, each
# Dockerfile RUNs `oar-provision.sh <function> ...`). Functions are idempotent; no systemd anywhere.
#
# Addresses and names are parameters so the two callers differ only in what they pass:
#   sandbox: listeners on 127.0.0.1 / 127.0.0.11-14, DB on 127.0.0.1;
#   compose: listeners on 0.0.0.0 inside the private compose network, DB host "db".

OAR_DB_PASSWORD=${OAR_DB_PASSWORD:-oar}
OAR_DB_PASSWORD_RO=${OAR_DB_PASSWORD_RO:-oar_ro}
OAR_API_PORT=${OAR_API_PORT:-6668}
OAR_NODE_SSH_PORT=6667 # fixed by the packages: OPENSSH_CMD="/usr/bin/ssh -p 6667" and /etc/oar/sshd_config
OAR_SERVER_PORT=6666   # SERVER_PORT in oar.conf
OAR_PG_VERSION=15
OAR_CONF=/etc/oar/oar.conf
OAR_SERVER_PIDFILE=/run/oar-server.pid
OAR_SSHD_PIDFILE=/run/oar-node_sshd.pid
APACHE_PIDFILE=/run/apache2/apache2.pid

# Packages per role; the sandbox installs the union. Every role also needs ss, ps and curl
# (liveness checks), which a slim container image lacks.
OAR_PACKAGES_COMMON="iproute2 procps curl"
# oar-database (which creates the DB) ships in oar-server.
OAR_PACKAGES_DB="postgresql oar-server oar-server-pgsql"
OAR_PACKAGES_SERVER="oar-server oar-server-pgsql oar-user oar-user-pgsql oar-common liboar-perl"
# libapache2-mod-fcgid replaces mod_fastcgi, which README.Debian asks for but bookworm does not ship
# (pitfall 4); apache2-suexec-custom lets the suexec docroot be changed (pitfall 5).
OAR_PACKAGES_FRONTEND="oar-restful-api oar-user oar-user-pgsql oar-common liboar-perl libapache2-mod-fcgid apache2-suexec-custom"
OAR_PACKAGES_NODE="oar-node oar-common liboar-perl"

oar_log() { printf 'oar-provision: %s\n' "$*" >&2; }

# Is something listening on ADDR:PORT? Liveness is checked by port, not by pid: PID 1 here does
# not reap orphaned daemons, so a stopped daemon's pid lingers as a zombie that `kill -0` accepts.
oar_listening() {
  ss -ltnH "sport = :$2" 2>/dev/null | awk -v want="$1:$2" '$4 == want { found = 1 } END { exit !found }'
}

# Start a daemon detached from the caller's stdio and every other inherited descriptor: a daemon
# holding the caller's stdout pipe keeps whoever reads it (a test harness, CI) waiting forever,
# and one holding a `flock FILE cmd` descriptor keeps that lock taken for as long as it runs.
oar_spawn() {
  (
    local fd
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      ((fd > 2)) && eval "exec $fd>&-"
    done
    exec "$@"
  ) </dev/null >>/var/log/oar-provision-daemons.log 2>&1
}

# Poll a condition (a command) every 0.1 s for at most SECONDS; fail with MESSAGE after that.
oar_wait_for() {
  local seconds=$1 message=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      oar_log "timed out after ${seconds}s: $message"
      return 1
    fi
    sleep 0.1
  done
}

# Step 1. Install the packages of ROLE... (db, server, frontend, node).
oar_install_roles() {
  local role packages=$OAR_PACKAGES_COMMON
  for role in "$@"; do
    case $role in
      db) packages+=" $OAR_PACKAGES_DB" ;;
      server) packages+=" $OAR_PACKAGES_SERVER" ;;
      frontend) packages+=" $OAR_PACKAGES_FRONTEND" ;;
      node) packages+=" $OAR_PACKAGES_NODE" ;;
      *) oar_log "unknown role $role" && return 2 ;;
    esac
  done
  # shellcheck disable=SC2086 # word splitting of the package lists is intended
  oar_install_packages $packages
}

# Install only what is missing, so a second run does no apt work at all.
oar_install_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  oar_log "installing ${missing[*]}"
  # policy-rc.d (exit 101) keeps postinsts from starting apache2 on *:80 or openssh-server on *:22
  # (pitfall 3); make sure it is there in a fresh container too.
  if [ ! -x /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
}

# PostgreSQL listen addresses. Debian's default "localhost" also binds [::1]; the sandbox wants
# 127.0.0.1 only, the compose database its container network (ALLOW: a pg_hba address such as
# "samenet" for password logins from other containers).
oar_configure_postgres() {
  local listen=$1 allow=${2:-}
  # A conf.d file (read after postgresql.conf) rather than pg_conftool, which writes an IP unquoted.
  echo "listen_addresses = '$listen'" >"/etc/postgresql/$OAR_PG_VERSION/main/conf.d/oar-listen.conf"
  local hba=/etc/postgresql/$OAR_PG_VERSION/main/pg_hba.conf
  if [ -n "$allow" ] && ! grep -q "^host all all $allow scram-sha-256" "$hba"; then
    echo "host all all $allow scram-sha-256" >>"$hba"
  fi
}

# Step 2. Start PostgreSQL unless it already listens (it may have been left running).
oar_start_postgres() {
  local addr=$1
  oar_listening "$addr" 5432 && return 0
  local data=/var/lib/postgresql/$OAR_PG_VERSION/main
  # A postmaster.pid left by a crash or a machine restart can name a pid that now belongs to
  # another process (or a zombie), and postgres then refuses to start; nothing listens, so it is stale.
  if [ -f "$data/postmaster.pid" ] && ! pg_ctlcluster "$OAR_PG_VERSION" main status >/dev/null 2>&1; then
    rm -f "$data/postmaster.pid"
  fi
  rm -f /var/run/postgresql/.s.PGSQL.5432.lock
  oar_spawn pg_ctlcluster "$OAR_PG_VERSION" main start
  oar_wait_for 30 "postgres on $addr:5432" oar_listening "$addr" 5432
}

oar_stop_postgres() {
  local addr=$1
  oar_listening "$addr" 5432 || return 0
  pg_ctlcluster "$OAR_PG_VERSION" main stop >&2 # pg_ctl signals the pid in postmaster.pid
}

# Step 3a. oar.conf: DB host and non-empty passwords. OAR connects over TCP and pg_hba uses
# scram-sha-256 there, so the packaged empty passwords cannot work.
oar_configure_db_client() {
  local db_host=$1 server_host=$2
  sed -i "s/^DB_BASE_PASSWD=\"\"/DB_BASE_PASSWD=\"$OAR_DB_PASSWORD\"/; s/^DB_BASE_PASSWD_RO=\"\"/DB_BASE_PASSWD_RO=\"$OAR_DB_PASSWORD_RO\"/" "$OAR_CONF"
  sed -i "s/^DB_HOSTNAME=.*/DB_HOSTNAME=\"$db_host\"/; s/^SERVER_HOSTNAME=.*/SERVER_HOSTNAME=\"$server_host\"/" "$OAR_CONF"
}

# As the postgres superuser, from / (postgres cannot enter the caller's directory).
oar_psql() { (cd / && su postgres -c "psql -qtAX $(printf '%q ' "$@")"); }

oar_database_exists() { [ "$(oar_psql -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }

# Step 3b. Create roles oar/oar_ro and database oar (needs postgres running on this host).
oar_create_database() {
  oar_database_exists oar && return 0
  oar-database --create --db-is-local -y >&2
}

# Step 4a. Almighty binds its command socket with IO::Socket::INET->new(LocalPort=>...), i.e. on
# every interface, and oar.conf has no key for the address (pitfall 1): patch the package file.
# A package reinstall or upgrade reverts it, so this runs on every `up`.
oar_patch_almighty_bind() {
  local addr=$1 almighty=/usr/lib/oar/Almighty
  grep -q "LocalAddr=> \"$addr\"" "$almighty" && return 0
  sed -i -E "s/IO::Socket::INET->new\((LocalAddr=> \"[^\"]*\", )?LocalPort=> \\\$serverport,/IO::Socket::INET->new(LocalAddr=> \"$addr\", LocalPort=> \$serverport,/" "$almighty"
  grep -q "LocalAddr=> \"$addr\"" "$almighty"
}

# Does pid file FILE name a live process running PROGRAM? After a machine restart the pid may
# belong to an unrelated process, which must not be signalled.
oar_pidfile_runs() {
  local pid
  pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$2"
}

# Process group of the Almighty daemon, from its pid file; empty when there is none.
oar_server_pgid() {
  oar_pidfile_runs "$OAR_SERVER_PIDFILE" /usr/lib/oar/Almighty || return 0
  ps -o pgid= -p "$(cat "$OAR_SERVER_PIDFILE")" 2>/dev/null | tr -d ' '
}

# Members of process group PGID that are not zombies (zombies never go away here, see oar_listening).
oar_group_alive() {
  ps -e -o pgid=,stat= | awk -v pg="$1" '$1 == pg && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# Step 4b. /usr/sbin/oar-server is what /etc/init.d/oar-server runs: it setsids, forks, writes
# the pid file and execs Almighty, whose 4 processes then share one process group (pitfall 2).
oar_start_server() {
  local addr=$1
  oar_listening "$addr" "$OAR_SERVER_PORT" && return 0
  oar_stop_server # a half-dead group (e.g. after a crash) or a stale pid file from a restart
  oar_spawn /usr/sbin/oar-server
  oar_wait_for 30 "Almighty on $addr:$OAR_SERVER_PORT" oar_listening "$addr" "$OAR_SERVER_PORT"
}

# Stop Almighty by process group, never by name: the init script's stop does `killproc Almighty`.
oar_stop_server() {
  local pgid
  pgid=$(oar_server_pgid)
  if [ -n "$pgid" ] && [ "$pgid" -gt 1 ] && oar_group_alive "$pgid"; then
    kill -TERM -- "-$pgid" 2>/dev/null || true
    oar_wait_for 20 "Almighty process group $pgid to exit" eval "! oar_group_alive $pgid"
  fi
  rm -f "$OAR_SERVER_PIDFILE"
}

# Step 5a. Node names for the resources' network_address.
oar_configure_node_hosts() {
  local line
  for line in "$@"; do # "ADDR NAME"
    grep -qx "$line" /etc/hosts || echo "$line" >>/etc/hosts
  done
}

# Step 5b. oar-node's dedicated sshd (port 6667, AllowUsers oar). With no ListenAddress it would
# bind every interface; the sandbox passes its loopback addresses, compose passes none.
oar_configure_node_sshd() {
  local addr
  for addr in "$@"; do
    grep -qx "ListenAddress $addr" /etc/oar/sshd_config || echo "ListenAddress $addr" >>/etc/oar/sshd_config
  done
}

oar_start_node_sshd() {
  local addr=$1
  oar_listening "$addr" "$OAR_NODE_SSH_PORT" && return 0
  rm -f "$OAR_SSHD_PIDFILE" # stale: nothing listens
  mkdir -p /run/sshd        # privilege separation dir; /run may be fresh after a restart
  # Same arguments as /etc/init.d/oar-node. "Deprecated option UsePrivilegeSeparation" is harmless.
  oar_spawn /usr/sbin/sshd -f /etc/oar/sshd_config -o "PidFile=$OAR_SSHD_PIDFILE"
  oar_wait_for 10 "oar-node sshd on $addr:$OAR_NODE_SSH_PORT" oar_listening "$addr" "$OAR_NODE_SSH_PORT"
}

oar_stop_node_sshd() {
  local addr=$1
  if oar_pidfile_runs "$OAR_SSHD_PIDFILE" /etc/oar/sshd_config; then
    kill "$(cat "$OAR_SSHD_PIDFILE")" 2>/dev/null || true
  fi
  rm -f "$OAR_SSHD_PIDFILE"
}

# Step 6. NODES nodes x 1 cpu x CORES cores, named node1..nodeN, properties host/cpu/core/cpuset.
# oar_resources_add only prints commands; its -o FILE writes as user oar and fails in a root-owned
# directory (pitfall 10), so pipe to bash. oarnodesetting works while Almighty is stopped.
oar_add_resources() {
  local nodes=$1 cores=$2 listed
  # Through OAR (oarnodes), not psql: in compose the database is in another container.
  listed=$(oarnodes -l) || return 1
  ! grep -qE '^node[0-9]+$' <<<"$listed" || return 0
  oar_resources_add -H "$nodes" -C 1 -c "$cores" --host-prefix node --host0 1 --cpusets "$cores" | bash >&2
}

# Step 7. Snapshot the pristine database for fast resets. CREATE DATABASE ... TEMPLATE needs the
# source database to have no sessions, so Almighty must be stopped (the caller guarantees it).
# Not `oar-database --reset`: it loses oar_ro's grants (pitfall 9).
oar_snapshot_template() {
  oar_database_exists oar_template && return 0
  oar_psql -c 'CREATE DATABASE oar_template TEMPLATE oar OWNER oar'
}

# Step R. Back to the template (8 Alive resources, no jobs, ids from 1). The caller deletes jobs
# first and stops Almighty: job ids restart at 1, and a stale oarexec would clash (pitfall 11).
oar_restore_template() {
  oar_psql -c 'DROP DATABASE IF EXISTS oar WITH (FORCE)' -c 'CREATE DATABASE oar TEMPLATE oar_template OWNER oar'
}

# Step 8. Apache 2.4 + oarapi.pl via mod_fcgid under suexec, listening only on LISTEN (ADDR:PORT);
# ALLOWED_IPS may call the API (the sandbox: 127.0.0.1; compose: also the private networks, the
# port is not published). /oarapi keeps the trusted-ident mode, /oarapi-priv adds Basic auth with
# USERS ("login:password" pairs, test-only).
oar_configure_api() {
  local listen=$1 allowed_ips=$2
  shift 2
  # Pitfall 3: no *:80 listener, no default site.
  sed -i 's/^Listen 80$/#Listen 80/' /etc/apache2/ports.conf
  a2dissite -q 000-default >&2 || true
  sed -i -E "s/^Listen .*$OAR_API_PORT\$/Listen $listen/" /etc/oar/apache2/oar-restful-api.conf
  # Who may call the API. The shipped "Require local" sits in a <Directory> inside the API's
  # <VirtualHost>, which Apache merges after any server-wide section, so it is replaced in place:
  # a Require in the conf below would be overridden (the compose frontend answered other
  # containers 403).
  sed -i -E "s#^(\s*)Require (local|ip .*)\$#\1Require ip $allowed_ips#" /etc/oar/apache2/oar-restful-api.conf
  # Pitfall 5: oarapi.cgi is a wrapper that must run as oar; suexec's docroot must contain it.
  sed -i '1s#.*#/usr/lib/cgi-bin/oarapi#' /etc/apache2/suexec/www-data
  echo 'ServerName 127.0.0.1' >/etc/apache2/conf-available/servername.conf
  cat >/etc/apache2/conf-available/oar-sandbox.conf <<EOF
# Written by scripts/oar-provision.sh (oar_configure_api).
<Directory /usr/lib/cgi-bin/oarapi>
  # Pitfall 4: the shipped conf only sets a handler for mod_fastcgi (not in bookworm);
  # without this line /oarapi/* answers 404.
  <IfModule mod_fcgid.c>
    AddHandler fcgid-script .cgi
  </IfModule>
</Directory>
# Pitfall 7: oarapi.pl exits by itself after 51 requests; let mod_fcgid retire it first,
# otherwise a request now and then hits the exiting process and gets a 500.
<IfModule mod_fcgid.c>
  FcgidMaxRequestsPerProcess 50
</IfModule>
# Pitfall 6: the shipped Basic-auth example is spoofable. /oarapi-priv checks Basic credentials
# against /etc/oar/api-users and hands REMOTE_USER to oarapi.pl as X-Remote-Ident, after dropping
# any client-sent X-Remote-Ident.
ScriptAlias /oarapi-priv /usr/lib/cgi-bin/oarapi/oarapi.cgi
<Location /oarapi-priv>
  AuthType     Basic
  AuthName     "OAR API authentication"
  AuthUserFile /etc/oar/api-users
  Require valid-user
  RequestHeader unset X-Remote-Ident
  RequestHeader set X-Remote-Ident "expr=%{REMOTE_USER}"
</Location>
EOF
  local pair create=-c
  : >>/etc/oar/api-users # no USERS (compose): the file exists and /oarapi-priv admits nobody
  for pair in "$@"; do
    htpasswd -b $create /etc/oar/api-users "${pair%%:*}" "${pair#*:}" 2>/dev/null
    create=
  done
  chown root:www-data /etc/oar/api-users
  chmod 640 /etc/oar/api-users
  a2enmod -q headers rewrite suexec fcgid >&2
  a2enconf -q oar-restful-api oar-sandbox servername >&2
  oar_configure_api_timing_log
}

# Every API request with the time Apache spent on it (%D, microseconds) and its User-Agent (oar-live
# sends "oar-live"), so a bench can tell from OAR's side how busy oar-live keeps the API.
# Line: <start epoch s>.<ms> <duration us> <status> "<request line>" "<user agent>".
oar_configure_api_timing_log() {
  cat >/etc/apache2/conf-available/oar-api-timing.conf <<'CONF'
# Written by scripts/oar-provision.sh (oar_configure_api_timing_log).
LogFormat "%{%s}t.%{msec_frac}t %D %>s \"%r\" \"%{User-Agent}i\"" oar_timed
CustomLog ${APACHE_LOG_DIR}/oar-api-timed.log oar_timed
CONF
  a2enconf -q oar-api-timing >&2
}

oar_start_api() {
  local addr=$1
  oar_listening "$addr" "$OAR_API_PORT" && return 0
  # A pid file left by a restart or a zombie makes `apache2ctl start` say "already running".
  rm -f "$APACHE_PIDFILE"
  oar_spawn apache2ctl start # no systemd; reads /etc/apache2/envvars
  oar_wait_for 20 "Apache on $addr:$OAR_API_PORT" oar_listening "$addr" "$OAR_API_PORT"
}

# apache2ctl stop signals the pid in its pid file (no name-based kill); wait for the port to close.
oar_stop_api() {
  local addr=$1
  oar_listening "$addr" "$OAR_API_PORT" || return 0
  apache2ctl stop >&2 || true
  oar_wait_for 20 "Apache to release $addr:$OAR_API_PORT" eval "! oar_listening $addr $OAR_API_PORT"
  rm -f "$APACHE_PIDFILE"
}

# Step 9. The API runs oarsub/oardel as the authenticated login via oardodo, so each login must
# be a real unix user ("Oardodo error: 52" otherwise). UID is fixed in compose so every container
# agrees; the sandbox passes none.
oar_create_user() {
  local name=$1 uid=${2:-}
  id "$name" >/dev/null 2>&1 && return 0
  useradd -m -s /bin/bash ${uid:+-u "$uid"} "$name"
}

# The oar user with fixed ids before the packages create it (their postinst keeps an existing
# system user): compose containers share the oar ssh key through one volume, so every container
# must agree on its owner. The sandbox lets the packages pick the ids.
oar_create_system_user() {
  local uid=$1
  getent group oar >/dev/null || groupadd -r -g "$uid" oar
  # Password "*" like the packages' own setup: sshd refuses key logins to a locked ("!") account.
  id oar >/dev/null 2>&1 || useradd -r -u "$uid" -g oar -d /var/lib/oar -s /bin/bash -p '*' oar
}

# OAR's default job resource manager creates cpusets under a cgroup v1 hierarchy
# (/sys/fs/cgroup/cpuset), which an unprivileged container on a cgroup v2 host does not have;
# without the cpuset property field OAR runs jobs without cpusets.
oar_disable_cpuset_manager() {
  sed -i 's/^JOB_RESOURCE_MANAGER_PROPERTY_DB_FIELD=/#JOB_RESOURCE_MANAGER_PROPERTY_DB_FIELD=/' "$OAR_CONF"
}

# Called as a program (the Dockerfiles): `oar-provision.sh FUNCTION ARGS...`.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  "$@"
fi
