#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings each schema to the server release's version
# with Temporal's own SQL tool: setup to 0.0, then every versioned step in order. Run by the
# production topology (local-stack/temporal-cluster.ts) and by docker-compose.yml's
# `temporal-schema` service alike; it is safe to run again (an existing database is kept and only
# newer steps run).
#
# The database settings are the SQL tool's own variables: SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD.
set -eu
export SQL_PLUGIN="${SQL_PLUGIN:-postgres12}"
tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
schema="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

for pair in "temporal:${DBNAME:-temporal}" "visibility:${VISIBILITY_DBNAME:-temporal_visibility}"; do
  kind="${pair%%:*}"
  database="${pair#*:}"
  # An existing database is fine: the steps below skip what is applied already.
  "$tool" --db "$database" create-database 2>/dev/null || echo "database $database exists"
  "$tool" --db "$database" setup-schema -v 0.0
  "$tool" --db "$database" update-schema -d "$schema/$kind/versioned"
done
