import type { RouterContext, RouterMiddleware } from '@koa/router';
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { AuthState } from './http/auth';

/** What every route factory is given: read once by api/main.ts (or a test), never looked up inside. */
export interface ApiDeps {
  client: Client;
  cfg: Config;
}

/** A request behind the bearer token, with its route parameters. */
export type RouteContext = RouterContext<AuthState>;
/** One route's handler: a plain function of the request. */
export type Handler = RouterMiddleware<AuthState>;
