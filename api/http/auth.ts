import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { ApiError } from './errors';
import { slidingWindowLimiter } from './rate-limit';

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
function parseApiKeys(spec: string): { tenantId: string; tokenHash: Buffer }[] {
  return spec
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(':');
      const tenantId = pair.slice(0, at);
      const token = pair.slice(at + 1);
      if (at <= 0 || !tenantPattern.test(tenantId) || token.length < 8) {
        throw new Error(
          `EXAMFLOW_API_KEYS: "${tenantId || pair.slice(0, 12)}…" must be tenant:token with a tenant like "school-1" and a token of 8+ characters`,
        );
      }
      return { tenantId, tokenHash: sha256(token) };
    });
}

/**
 * Bearer-token authentication. A client address that fails more than
 * `failuresPerMinute` times in a sliding minute gets 429 for every request until the
 * minute has passed, valid token or not, so tokens cannot be guessed at speed.
 */
export function bearerAuth(apiKeys: string, options: { failuresPerMinute: number }): Middleware<AuthState> {
  const keys = parseApiKeys(apiKeys);
  const failures = slidingWindowLimiter({ max: options.failuresPerMinute, windowMs: 60_000 });
  const refuse = (address: string, message: string): never => {
    failures.hit(address);
    throw new ApiError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer' });
  };
  return async (ctx, next) => {
    const wait = failures.blocked(ctx.ip);
    if (wait !== null) {
      throw new ApiError(
        429,
        'rate_limited',
        `too many failed sign-ins from this address: wait ${wait} s, then use a valid token`,
        { retryAfterSeconds: wait },
        { 'Retry-After': String(wait) },
      );
    }
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (!match) return refuse(ctx.ip, 'missing bearer token: send "Authorization: Bearer <token>"');
    const presented = sha256(match[1]!);
    // Compare against every key, without stopping early, so timing does not tell which matched.
    let tenantId: string | undefined;
    for (const key of keys) if (timingSafeEqual(presented, key.tokenHash) && !tenantId) tenantId = key.tenantId;
    if (!tenantId) return refuse(ctx.ip, 'unknown or revoked token');
    ctx.state.tenantId = tenantId;
    ctx.state.admin = tenantId === '*';
    ctx.state.tokenId = presented.toString('hex').slice(0, 16);
    await next();
  };
}

/** Creating templates and exams belongs to a tenant: an admin token only reads and controls. */
export function requireTenant(): Middleware<AuthState> {
  return async (ctx, next) => {
    if (ctx.state.admin)
      throw new ApiError(
        403,
        'tenant_required',
        'an admin token cannot create templates or exams: use the token of the tenant they belong to',
      );
    await next();
  };
}
