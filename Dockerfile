# The service's image: `node dist/main.js` (the API) and `node dist/database/migrate.cli.js` (the migration step),
# nothing else. Three build stages, then a runtime with no shell, no npm and no package manager: the node binary,
# the C libraries it links, the compiled app, its production dependencies and the SQL migrations. Everything is
# owned by root and read-only to the `node` user the service runs as.
#
# Pinned base; for production pin the digest too (docker buildx imagetools inspect node:24.22.3-bookworm-slim).
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# 1. Compile: full install (dev tools included), SWC build of src/ into dist/ and the pages (web/) into dist/public/. Type checking is `npm test`'s job.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# tsconfig.json before `npm ci`: its postinstall generates the Prisma client, which picks its import extensions
# (.js for Node ESM) from it.
COPY package.json package-lock.json prisma.config.ts tsconfig.json ./
COPY scripts/no-schema-engine.sh scripts/
COPY prisma/schema.prisma prisma/
RUN npm ci --no-audit --no-fund
COPY scripts/build.mjs scripts/build-web.mjs scripts/
COPY src ./src
COPY web ./web
RUN node scripts/build.mjs --clean

# 2. Production dependencies only. --omit=optional also leaves out the dev tools npm would keep as optional peers
# of @prisma/client (Prisma CLI and Studio, TypeScript: ~240 MB); the one optional runtime package, argon2's
# prebuilt binary for this platform, comes from the build stage. Then drop what node never loads: Prisma's query
# compilers for other databases (the client uses the small PostgreSQL one), type declarations, source maps,
# TypeScript sources and docs (licences stay).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund
COPY --from=build /app/node_modules/@node-rs ./node_modules/@node-rs
RUN find node_modules/@prisma/client/runtime -name 'query_compiler_*' ! -name 'query_compiler_small_bg.postgresql.*' -delete \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.ts' -o -name '*.map' \
      -o \( -iname '*.md' ! -iname 'licen*' \) \) -delete

# 3. A minimal root filesystem: node, the shared libraries `ldd` lists for it and for the native addons among the
# production dependencies (argon2 needs librt), an unprivileged `node` user.
FROM ${NODE_IMAGE} AS rootfs
COPY --from=deps /app/node_modules /tmp/node_modules
RUN set -eu; \
    mkdir -p /rootfs/usr/local/bin /rootfs/etc /rootfs/tmp /rootfs/app; \
    cp /usr/local/bin/node /rootfs/usr/local/bin/node; \
    for bin in /usr/local/bin/node $(find /tmp/node_modules -name '*.node'); do \
      for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do [ -e "/rootfs$lib" ] || cp -L --parents "$lib" /rootfs/; done; \
    done; \
    echo 'root:x:0:0:root:/root:/usr/sbin/nologin' > /rootfs/etc/passwd; \
    echo 'node:x:1000:1000:node:/app:/usr/sbin/nologin' >> /rootfs/etc/passwd; \
    printf 'root:x:0:\nnode:x:1000:\n' > /rootfs/etc/group; \
    chmod 1777 /rootfs/tmp

FROM scratch AS runtime
COPY --from=rootfs /rootfs/ /
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY prisma/migrations ./prisma/migrations
COPY prisma/seed ./prisma/seed
# A 160 MB old-space cap keeps the process well under 250 MB RSS under load at the same throughput
# (V8 otherwise lets garbage pile up lazily; see docs/performance.md).
ENV PATH=/usr/local/bin \
    NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--max-old-space-size=160
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/main.js"]
