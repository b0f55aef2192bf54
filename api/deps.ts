import type { RouterContext, RouterMiddleware } from '@koa/router';
import type { Client } from '@temporalio/client';
import type { ArtifactStore } from '../lib/artifacts/artifact-store';
import { createArtifactStore } from '../lib/artifacts/artifacts';
import type { Config } from '../lib/config';
import type { Chromium } from '../lib/documents/browser';
import type { AuthState } from './http/auth';

/** What every route factory is given: read once by api/main.ts (or a test), never looked up inside. */
export interface ApiDeps {
  client: Client;
  cfg: Config;
  /** the artifact store cfg names, built once for the process */
  store: ArtifactStore;
  /** renders answer-sheet PDFs; launched on the first one, closed by whoever made it */
  chromium: Chromium;
}

/** The API's dependencies over a connected client and the configuration its edge read. */
export function createApiDeps(client: Client, cfg: Config, chromium: Chromium): ApiDeps {
  return { client, cfg, store: createArtifactStore(cfg), chromium };
}

/** A request behind the bearer token, with its route parameters. */
export type RouteContext = RouterContext<AuthState>;
/** One route's handler: a plain function of the request. */
export type Handler = RouterMiddleware<AuthState>;
