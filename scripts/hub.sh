#!/usr/bin/env bash
# `make hub`: JupyterHub for the clinic (deploy/jupyterhub_config.py) on one clinic database.
# PHYSIO_DATABASE_URL names the clinic's PostgreSQL. Without it, a local trial database is started from
# scratch in .hub/pg (a throwaway cluster, scripts/pg_cluster.py; its data stays there between runs).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
py="$repo/.venv/bin/python"
export PHYSIO_HUB_DIR="${PHYSIO_HUB_DIR:-$repo/.hub}"
bash "$repo/scripts/hub-setup.sh" "$PHYSIO_HUB_DIR/node"
if [ -z "${PHYSIO_DATABASE_URL:-}" ]; then
  pg="$PHYSIO_HUB_DIR/pg"
  echo "PHYSIO_DATABASE_URL is not set: starting a trial clinic database in $pg"
  base="$("$py" "$repo/scripts/pg_cluster.py" start "$pg")"
  trap '"$py" "$repo/scripts/pg_cluster.py" stop "$pg"' EXIT
  "$py" - "$base" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as con:
    if not con.execute("SELECT 1 FROM pg_database WHERE datname = 'clinic'").fetchone():
        con.execute("CREATE DATABASE clinic")
PY
  export PHYSIO_DATABASE_URL="${base%/postgres}/clinic"
fi
echo "The clinic database: $("$py" -c 'import os; from physio.store._engines import shown; print(shown(os.environ["PHYSIO_DATABASE_URL"]))')"
echo "Open http://${PHYSIO_HUB_IP:-127.0.0.1}:${PHYSIO_HUB_PORT:-8000}/ (a lead: sign up as ${PHYSIO_HUB_ADMINS:-admin} first)"
cd "$PHYSIO_HUB_DIR"
"$repo/.venv/bin/jupyterhub" -f "$repo/deploy/jupyterhub_config.py"
