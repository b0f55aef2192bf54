import Router from '@koa/router';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from './openapi';

// GET /openapi.json and a rendered docs page (Swagger UI from the installed
// swagger-ui-dist package: nothing is fetched from a CDN).

const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'application/javascript',
  'swagger-ui-standalone-preset.js': 'application/javascript',
};

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>examflow API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', persistAuthorization: true });`;

export function docsRoutes(): Router {
  const router = new Router();
  router.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument();
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'html';
    ctx.body = page;
  });
  router.get('/docs/init.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.body = init;
  });
  router.get('/docs/assets/:file', (ctx) => {
    const type = assets[ctx.params.file!];
    if (!type) return;
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = createReadStream(path.join(swaggerDir, ctx.params.file!));
  });
  return router;
}
