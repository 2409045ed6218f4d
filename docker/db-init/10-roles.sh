#!/bin/sh
# Runs once, when the database volume is first created (the postgres image runs /docker-entrypoint-initdb.d/*),
# as the superuser. Creates the two roles the stack uses:
#   DB_OWNER_USER  owns the database and its schema; the `migrate` step connects as it and changes the schema
#   DB_APP_USER    the API's login: may connect, nothing else; `migrate` grants it row rights on the tables
# For a volume created before this script existed, run it by hand once:
#   docker compose exec db /docker-entrypoint-initdb.d/10-roles.sh
# Passwords go through psql variables (:'name' quotes them), so any character is safe.
set -eu
psql -v ON_ERROR_STOP=1 --no-psqlrc -q --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v db="${POSTGRES_DB:-postgres}" \
  -v owner="${DB_OWNER_USER:?}" -v owner_password="${DB_OWNER_PASSWORD:?}" \
  -v app="${DB_APP_USER:?}" -v app_password="${DB_APP_PASSWORD:?}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app";
SQL
echo "db-init: roles ${DB_OWNER_USER} (schema owner) and ${DB_APP_USER} (service) ready"
