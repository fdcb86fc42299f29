import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The interactive docs page, served with Swagger UI's own files from the npm package (no CDN). */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>smugmug-s3 API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs' });</script>
</body></html>`;

const ASSETS: Record<string, string> = { 'swagger-ui.css': 'text/css', 'swagger-ui-bundle.js': 'text/javascript' };

export async function docsAsset(name: string): Promise<Response | undefined> {
  const type = ASSETS[name];
  if (!type) return undefined;
  return new Response(await readFile(join(dirname(require.resolve('swagger-ui-dist/package.json')), name)), {
    headers: { 'Content-Type': type, 'Cache-Control': 'max-age=3600' },
  });
}
