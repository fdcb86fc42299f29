# One image for the API and the workers; docker-compose.yml picks the command. Node.js 24 (LTS):
# the production suite runs on the same major (local-stack/node-lts.ts).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Compiled JavaScript (no TypeScript loader at run time: less memory) and the workflow bundle,
# so workers do not run webpack at every start.
RUN npm run --silent build && npm run --silent build:workflows -- /app/workflow-bundle.js

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY --from=build /app/workflow-bundle.js ./
ENV WORKFLOW_BUNDLE_PATH=/app/workflow-bundle.js
USER node
# The Node.js flags and allocator settings of worker/node-flags.ts (why: there).
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
CMD ["node", "--max-old-space-size=512", "--max-semi-space-size=1", "--single-threaded-gc", "dist/worker/main.js"]
