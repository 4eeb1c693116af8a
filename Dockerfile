# syntax=docker/dockerfile:1
#
# One image holds every app; each Kubernetes Deployment picks its app with its command
# (`node apps/<app>/dist/main.js`). Two targets:
#   runtime (default)  gateway, billing, export-service, chat-service
#   worker             the same files plus Tesseract and its language packs, for apps/ocr-worker
#
#   docker build -t ocr-platform:dev .
#   docker build -t ocr-platform-worker:dev --target worker .
#
# deploy/k8s/README.md describes how the manifests use the two images. The final stages hold the
# built apps and production dependencies only (no jest, nx, typescript, buf, @ocr/testing) and run
# as the unprivileged user 1000 (`node` in the base image).

ARG NODE_IMAGE=node:24-bookworm-slim
ARG PNPM_VERSION=12.21.0

# ---- build: install everything, build every package, then keep production dependencies only ----
FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION
# ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's CPU binary ships in the package; its install
# script would try to download CUDA parts. Nx never needs the network (nx.json: neverConnectToCloud).
ENV CI=true \
    NX_DAEMON=false \
    ONNXRUNTIME_NODE_INSTALL=skip
RUN npm install --global --no-audit --no-fund "pnpm@${PNPM_VERSION}"
WORKDIR /src
# Download every package into pnpm's store from the lockfile alone: this layer is reused until
# pnpm-lock.yaml changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
RUN pnpm fetch --frozen-lockfile
COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm run build
# Keep production dependencies only: install again with --prod, for the apps and the libraries they
# depend on (--filter-prod follows `dependencies` only, so @ocr/testing and what it pulls in, such as
# embedded-postgres and s3rver, stay out). Then drop the tests and onnxruntime's macOS and Windows
# binaries (the Linux x64 and arm64 ones stay).
RUN rm -rf node_modules apps/*/node_modules libs/*/node_modules \
 && pnpm install --offline --frozen-lockfile --prod \
      --filter-prod '@ocr/gateway...' --filter-prod '@ocr/ocr-worker...' --filter-prod '@ocr/billing...' \
      --filter-prod '@ocr/export-service...' --filter-prod '@ocr/chat-service...' \
 && find node_modules/.pnpm -type d -path '*/onnxruntime-node/bin/napi-v6/*' \( -name darwin -o -name win32 \) -prune -exec rm -rf {} + \
 && find apps libs \( -name '*.spec.ts' -o -name '*.int-spec.ts' -o -name '*.e2e-spec.ts' -o -name '*.tsbuildinfo' \) -delete \
 && rm -rf libs/*/test apps/*/test

# ---- worker-os: Debian's Tesseract 5 with the language packs the engine routes to ----
FROM ${NODE_IMAGE} AS worker-os
# The list is the one scripts/setup.sh installs (libs/ocr-engine/src/languages/debian-packages.txt);
# poppler-utils gives pdftoppm/pdftotext for the accuracy benchmark and debugging inside the pod.
COPY libs/ocr-engine/src/languages/debian-packages.txt /tmp/debian-packages.txt
RUN apt-get update \
 && grep -v '^[[:space:]]*\(#\|$\)' /tmp/debian-packages.txt \
    | xargs apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-osd poppler-utils \
 && rm -rf /var/lib/apt/lists/* /tmp/debian-packages.txt

# ---- worker: apps/ocr-worker (the Deployment's command selects it too) ----
FROM worker-os AS worker
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src /app
USER 1000:1000
EXPOSE 8081
CMD ["node", "apps/ocr-worker/dist/main.js"]

# ---- runtime (default target): gateway, billing, export-service, chat-service ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src /app
USER 1000:1000
EXPOSE 8080 50051 50052 50053
CMD ["node", "apps/gateway/dist/main.js"]
