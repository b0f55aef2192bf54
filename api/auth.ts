import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { ApiError } from './errors';

export interface AuthState {
  /** the caller's tenant; "*" for an admin token */
  tenantId: string;
  /** admin tokens read, list, cancel and retry across every tenant */
  admin: boolean;
  /** hash of the presented token, the key of its rate limit */
  tokenId: string;
}

/** The tenant scope of a read: one tenant, or null for an admin (all tenants). */
export function tenantScope(state: AuthState): string | null {
  return state.admin ? null : state.tenantId;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();
const tenantPattern = /^([a-z0-9][a-z0-9-]{0,63}|\*)$/;

/**
 * `EXAMFLOW_API_KEYS` is `tenant:token` pairs, comma-separated; the tenant `*` marks an
 * admin token. Only hashes stay in memory, and every comparison is constant-time so a
 * token cannot be guessed byte by byte.
 */
export function parseApiKeys(spec: string): { tenantId: string; tokenHash: Buffer }[] {
  return spec
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(':');
      const tenantId = pair.slice(0, at);
      const token = pair.slice(at + 1);
      if (at <= 0 || !tenantPattern.test(tenantId) || token.length < 8) {
        throw new Error(`EXAMFLOW_API_KEYS: "${tenantId || pair.slice(0, 12)}…" must be tenant:token with a tenant like "school-1" and a token of 8+ characters`);
      }
      return { tenantId, tokenHash: sha256(token) };
    });
}

export function bearerAuth(apiKeys: string): Middleware<AuthState> {
  const keys = parseApiKeys(apiKeys);
  return async (ctx, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (!match) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new ApiError(401, 'unauthorized', 'missing bearer token: send "Authorization: Bearer <token>"');
    }
    const presented = sha256(match[1]!);
    // Compare against every key, without stopping early, so timing does not tell which matched.
    let tenantId: string | undefined;
    for (const key of keys) if (timingSafeEqual(presented, key.tokenHash) && !tenantId) tenantId = key.tenantId;
    if (!tenantId) throw new ApiError(401, 'unauthorized', 'unknown or revoked token');
    ctx.state.tenantId = tenantId;
    ctx.state.admin = tenantId === '*';
    ctx.state.tokenId = presented.toString('hex').slice(0, 16);
    await next();
  };
}

/** Creating templates and exams belongs to a tenant: an admin token only reads and controls. */
export function requireTenant(): Middleware<AuthState> {
  return async (ctx, next) => {
    if (ctx.state.admin) throw new ApiError(403, 'tenant_required', 'an admin token cannot create templates or exams: use the token of the tenant they belong to');
    await next();
  };
}
