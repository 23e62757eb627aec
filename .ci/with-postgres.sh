#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server on a private port and
# socket, with DATABASE_URL set; the server is stopped afterwards.
# Usage: .ci/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "PostgreSQL is not installed (Debian: apt-get install postgresql)." >&2
  exit 1
fi
port=${PERMANENCE_PG_PORT:-54329}
dir=$(mktemp -d /tmp/permanence-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"   # initdb refuses to run as root
  as_owner=(runuser -u postgres --)
fi
cleanup() { "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U permanence --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U permanence permanence_test
export DATABASE_URL="postgresql://permanence@127.0.0.1:$port/permanence_test"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $port"
"$@"
