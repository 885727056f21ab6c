# Sourced by `make test`: starts the local PostgreSQL cluster (installing it when root and
# missing), makes a role and a test database, and exports TEST_DATABASE_URL.
# A TEST_DATABASE_URL given by the caller is used as it is.
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  _pg_role=interpreter_register
  _pg_password=interpreter_register_test
  _pg_db=interpreter_register_test
  if ! command -v pg_lsclusters >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing PostgreSQL for the database tests..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql postgresql-contrib >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql postgresql-contrib >/dev/null; }
  fi
  if command -v pg_lsclusters >/dev/null; then
    _pg_cluster=$(pg_lsclusters --no-header | head -n 1)
    if [ -z "$_pg_cluster" ] && [ "$(id -u)" -eq 0 ]; then
      _pg_version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
      pg_createcluster "$_pg_version" main >/dev/null
      _pg_cluster=$(pg_lsclusters --no-header | head -n 1)
    fi
    if [ -n "$_pg_cluster" ]; then
      read -r _pg_version _pg_name _pg_port _pg_status _rest <<<"$_pg_cluster"
      if [ "$_pg_status" != "online" ]; then
        pg_ctlcluster "$_pg_version" "$_pg_name" start
        # So that a caller who wants to leave the machine as it found it can stop it.
        _pg_started="$_pg_version $_pg_name"
      fi
      _psql() { runuser -u postgres -- psql -p "$_pg_port" -v ON_ERROR_STOP=1 -qtA "$@"; }
      if [ "$(id -u)" -eq 0 ]; then
        if [ "$(_psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$_pg_role'")" != "1" ]; then
          _psql -c "CREATE ROLE $_pg_role LOGIN CREATEDB PASSWORD '$_pg_password'"
        fi
        if [ "$(_psql -c "SELECT 1 FROM pg_database WHERE datname = '$_pg_db'")" != "1" ]; then
          _psql -c "CREATE DATABASE $_pg_db OWNER $_pg_role"
        fi
      fi
      export TEST_DATABASE_URL="postgresql+psycopg://$_pg_role:$_pg_password@127.0.0.1:$_pg_port/$_pg_db"
    fi
  fi
  if [ -z "${TEST_DATABASE_URL:-}" ]; then
    echo "No local PostgreSQL cluster; set TEST_DATABASE_URL to run the PostgreSQL tests." >&2
  fi
fi
