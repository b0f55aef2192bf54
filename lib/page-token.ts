import { createHmac, timingSafeEqual } from 'node:crypto';
import { config } from './config';

// List cursors handed to clients (nextPageToken) are sealed with an HMAC, so a token the API
// did not issue is refused at once (400) instead of reaching the store: Temporal answers a
// forged visibility token with UNKNOWN, which its client retries for ~20 s before a 500.
// The key derives from EXAMFLOW_PAYLOAD_KEY, so every API replica accepts the others' tokens.

const MAC_BYTES = 16;

function mac(raw: Uint8Array): Buffer {
  const secret = config().EXAMFLOW_PAYLOAD_KEY ?? 'examflow-development-payload-key';
  return createHmac('sha256', `examflow page token\n${secret}`).update(raw).digest().subarray(0, MAC_BYTES);
}

/** The opaque nextPageToken for a store's own cursor bytes. */
export function sealPageToken(raw: Uint8Array): string {
  return Buffer.concat([mac(raw), raw]).toString('base64url');
}

/** The store's cursor bytes, or null when the token was not issued by this API (or was altered). */
export function openPageToken(token: string): Buffer | null {
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length <= MAC_BYTES || bytes.toString('base64url') !== token) return null;
  const raw = bytes.subarray(MAC_BYTES);
  return timingSafeEqual(bytes.subarray(0, MAC_BYTES), mac(raw)) ? raw : null;
}
