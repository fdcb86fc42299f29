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
# The heap flag of worker/node-flags.ts (why: there).
CMD ["node", "--max-old-space-size=512", "dist/worker/main.js"]
