import Router from '@koa/router';
import type { Payload } from '@temporalio/common';
import type { Config } from '../lib/config';
import type { z } from '../lib/zod';
import { payloadCodec } from '../lib/temporal/payload-codec';
import type { AuthState } from './http/auth';
import { ApiError, validate } from './http/errors';
import { requireJsonBody } from './http/content-types';
import { codecRequestSchema } from './schemas';

// Temporal's remote codec protocol, for the Temporal Web UI (its "codec endpoint" setting,
// with "pass access token"): POST /v1/codec/decode and /encode with
// { payloads: [{ metadata: { key: base64 }, data: base64 }] }. Only an admin token may
// use it: decoding shows students' names and ids.

const fromJson = (p: z.infer<typeof codecRequestSchema>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

export function codecRoutes(cfg: Config): Router<AuthState> {
  const codec = payloadCodec(cfg);
  const router = new Router<AuthState>();
  for (const direction of ['encode', 'decode'] as const) {
    router.post(`/v1/codec/${direction}`, requireJsonBody(), async (ctx) => {
      if (!ctx.state.admin)
        throw new ApiError(403, 'admin_required', 'the codec endpoint shows students’ data: use an admin token (tenant "*")');
      const { payloads } = validate(codecRequestSchema, ctx.request.body, 'codec request');
      try {
        ctx.body = { payloads: (await codec[direction](payloads.map(fromJson))).map(toJson) };
      } catch (err) {
        throw new ApiError(400, 'invalid_request', `the payloads could not be ${direction}d: ${(err as Error).message}`);
      }
    });
  }
  return router;
}
