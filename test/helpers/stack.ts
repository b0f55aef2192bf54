import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { closeSheetCodePool } from '../../api/exams/sheet-code-pool';
import { apiServer } from '../../api/http/http-server';
import type { ArtifactStore } from '../../lib/artifacts/artifact-store';
import { createArtifactStore } from '../../lib/artifacts/artifacts';
import { config } from '../../lib/config';
import { closeSharedBrowser, sharedChromium } from '../../lib/documents/browser';
import { createActivities } from '../../activities';
import { createActivityDeps } from '../../worker/activity-deps';
import { createExamWorkers } from '../../worker/workers';
import { useTestRecords } from './records';
import { startTemporal, workflowBundle } from './temporal';

/** The whole system in one test process: dev server, real workers, and the HTTP API. */
export interface Stack {
  env: TestWorkflowEnvironment;
  baseUrl: string;
  /** the artifact store the API and workers use, for a test to look into */
  store: ArtifactStore;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const env = await startTemporal();
  const owned = createActivityDeps(config());
  const activities = createActivities(owned.deps);
  const workers: Worker[] = await createExamWorkers({
    connection: env.nativeConnection,
    cfg: config(),
    activities,
    workflowBundle: await workflowBundle(),
  });
  const running = workers.map((w) => w.run());
  const { server, baseUrl } = await listenApi(env);
  return {
    env,
    baseUrl,
    store: createArtifactStore(config()),
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      workers.forEach((w) => w.shutdown());
      await Promise.all(running);
      await Promise.allSettled([owned.close(), closeSharedBrowser(), closeSheetCodePool()]);
      await env.teardown();
    },
  };
}

/** The HTTP API on a free loopback port, over the test's Temporal (no workers). */
export async function listenApi(env: TestWorkflowEnvironment): Promise<{ server: Server; baseUrl: string }> {
  await useTestRecords();
  const server = apiServer(createApp(env.client, config(), sharedChromium()), config()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A tiny HTTP helper with the tenant's bearer token. */
export function apiClient(baseUrl: string, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  return {
    get: (path: string) => fetch(`${baseUrl}${path}`, { headers }),
    postJson: (path: string, body: unknown) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    postForm: (path: string, form: FormData) => fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: form }),
  };
}

export function examForm(templateId: string, pages: Buffer[], fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.set('templateId', templateId);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  pages.forEach((png, i) => form.append('pages', new Blob([new Uint8Array(png)], { type: 'image/png' }), `page-${i + 1}.png`));
  return form;
}
