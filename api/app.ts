import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import { config } from '../lib/config';
import { bearerAuth, type AuthState } from './auth';
import { errorHandler } from './errors';
import { examRoutes } from './exams';
import { templateRoutes } from './templates';

/** The Koa app over a connected Temporal client. */
export function createApp(client: Client): Koa<AuthState> {
  const app = new Koa<AuthState>();
  app.use(errorHandler);

  const open = new Router();
  open.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  open.get('/ready', async (ctx) => {
    await client.workflowService.getSystemInfo({});
    ctx.body = { status: 'ready', temporal: 'reachable' };
  });
  app.use(open.routes());

  app.use(bearerAuth(config().EXAMFLOW_API_KEYS));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' }));
  for (const router of [templateRoutes(), examRoutes(client)]) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
