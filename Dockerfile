# syntax=docker/dockerfile:1
# cheevobot: multi-stage build on the official Debian slim Node LTS image.

# Node 22 LTS: better-sqlite3 12 can abort the process on Node 24 when a statement is garbage
# collected (RemoveEnvironmentCleanupHook: env != nullptr), seen here with the built image.
ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: full dependencies (native better-sqlite3 build needs python3/make/g++), compile TypeScript
FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
# Production dependencies only, then what they don't need at run time: better-sqlite3's SQLite
# sources and build intermediates (only the compiled addon is loaded), zod's TypeScript sources,
# type declarations, source maps and markdown docs.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund \
 && cd node_modules/better-sqlite3 \
 && rm -rf deps src \
 && find build -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} + \
 && find build/Release -mindepth 1 ! -name better_sqlite3.node -exec rm -rf {} + \
 && cd /app \
 && rm -rf node_modules/zod/src node_modules/.package-lock.json \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \
      -o -iname '*.md' -o -iname '*.markdown' \) -delete \
 && find dist -name '*.map' -delete

# --- runtime base: the Node image without what running the bot doesn't use (npm, npx, corepack,
# yarn, C headers, docs, apt lists). Flattened below, so removed files really leave the image.
FROM ${NODE_IMAGE} AS runtime-base
RUN rm -rf /usr/local/lib/node_modules /usr/local/include /opt/yarn-* \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg \
      /usr/share/doc /usr/share/man /usr/share/info /var/lib/apt/lists/* /var/cache/debconf/*-old \
 && node --version

# --- runtime: one layer of the trimmed base, then production dependencies and compiled code;
# non-root, database on /data
FROM scratch AS runtime
COPY --from=runtime-base / /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_ENV=production \
    DATABASE_PATH=/data/cheevobot.sqlite
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# /app/data points at the volume too, so the default relative DATABASE_PATH (data/cheevobot.sqlite)
# also lands on it: a blank DATABASE_PATH= in an --env-file overrides the ENV above.
RUN mkdir -p /data && chown node:node /data && ln -s /data /app/data
VOLUME ["/data"]
USER node
# node is PID 1 here; the bot handles SIGTERM/SIGINT itself (stops the poller, closes the database, exits 0).
STOPSIGNAL SIGTERM
# Healthy while the database takes a write and the bot's heartbeat file (next to the database,
# rewritten every 15 s) is fresh and says gateway, database and poller are fine; works whether or
# not METRICS_PORT is set.
HEALTHCHECK --interval=60s --timeout=10s --start-period=90s --retries=3 CMD ["node", "dist/src/healthcheck.js"]
# A 1 MB young generation keeps an idle bot around 100 MB RSS instead of ~125 (bench/startup.ts).
CMD ["node", "--max-semi-space-size=1", "dist/src/main.js"]
