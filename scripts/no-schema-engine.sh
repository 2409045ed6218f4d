#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on this network.
# `prisma generate` only needs the file to exist; anything that would really use the engine
# (prisma migrate *, db push) fails loudly instead of silently doing nothing.
echo "The native Prisma schema engine is not installed here: use 'npm run db:migrate' (apply) or 'npm run db:check' (drift)." >&2
exit 1
