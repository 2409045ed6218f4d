#!/bin/sh
# Apply pending migrations (Prisma-compatible history, advisory-locked so replicas can start together),
# then replace the shell with the server so it receives SIGTERM directly.
set -eu
node --enable-source-maps dist/database/migrate.cli.js
exec "$@"
