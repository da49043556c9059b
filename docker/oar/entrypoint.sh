#!/bin/bash
# Container entrypoint for one OAR role: starts it with the functions scripts/oar-sandbox uses,
# then stays as PID 1 while the role's port listens (a dead daemon ends the container, and the
# restart policy brings it back). SIGTERM stops the daemon by pid / process group.
set -euo pipefail
# shellcheck source=../../scripts/oar-provision.sh
. /usr/local/sbin/oar-provision.sh

readonly ANY=0.0.0.0 # inside the compose network; only oar-live's port is published
case "${1:-}" in
  db)
    oar_start_postgres "$ANY"
    port=5432 stop=(oar_stop_postgres "$ANY")
    ;;
  server)
    # Resources for node1..nodeN on first start (the database lives in the db container).
    oar_add_resources "${OAR_NODES:-3}" "${OAR_CORES_PER_NODE:-2}"
    oar_start_server "$ANY"
    port=$OAR_SERVER_PORT stop=(oar_stop_server)
    ;;
  frontend)
    oar_start_api "$ANY"
    port=$OAR_API_PORT stop=(oar_stop_api "$ANY")
    ;;
  node)
    oar_start_node_sshd "$ANY"
    port=$OAR_NODE_SSH_PORT stop=(oar_stop_node_sshd "$ANY")
    ;;
  *)
    echo "usage: oar-entrypoint.sh db|server|frontend|node" >&2
    exit 2
    ;;
esac
trap '"${stop[@]}"; exit 0' TERM INT
while oar_listening "$ANY" "$port"; do
  sleep 5 &
  wait $! # interruptible by SIGTERM, unlike a foreground sleep
done
oar_log "nothing listens on $ANY:$port any more"
exit 1
