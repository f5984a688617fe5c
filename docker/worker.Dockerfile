# Flowline worker image (one container per region: set WORKER_REGION or WORKER_QUEUE).
#   docker build -f docker/worker.Dockerfile -t flowline-worker .  (context: the repo root)
# BuildKit reads docker/worker.Dockerfile.dockerignore for this file; the build
# stage copies only what `nest build` needs, so the image stays correct with
# the legacy builder too (which ignores that file: only the context is larger).

# ---- build: compile api, worker and cli with the Nest CLI (webpack) ----------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: see api.Dockerfile (npm 10 does not read `allowScripts`).
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
COPY --from=build /app/dist ./dist
USER node
ENV WORKER_HTTP_PORT=9464
# /health and /metrics (Prometheus) of the worker.
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WORKER_HTTP_PORT || 9464) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The heap cap of scripts/node-flags.mjs.
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=8", "dist/apps/worker/main.js"]
