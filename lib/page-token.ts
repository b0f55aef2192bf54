import { createHmac, timingSafeEqual } from 'node:crypto';

// List cursors handed to clients (nextPageToken) are sealed with an HMAC, so a token the API
// did not issue is refused at once (400) instead of reaching the store: Temporal answers a
// forged visibility token with UNKNOWN, which its client retries for ~20 s before a 500.
// The key derives from EXAMFLOW_PAYLOAD_KEY, so every API replica accepts the others' tokens.

const MAC_BYTES = 16;

/** Seals and opens page tokens under one key. */
export interface PageTokens {
  /** The opaque nextPageToken for a store's own cursor bytes. */
  seal(raw: Uint8Array): string;
  /** The store's cursor bytes, or null when the token was not issued by this API (or was altered). */
  open(token: string): Buffer | null;
}

/** Page tokens under the process's EXAMFLOW_PAYLOAD_KEY (its caller read the configuration; unset in development). */
export function pageTokens(payloadKey: string | undefined): PageTokens {
  const key = `examflow page token\n${payloadKey ?? 'examflow-development-payload-key'}`;
  const mac = (raw: Uint8Array) => createHmac('sha256', key).update(raw).digest().subarray(0, MAC_BYTES);
  return {
    seal: (raw) => Buffer.concat([mac(raw), raw]).toString('base64url'),
    open(token) {
      const bytes = Buffer.from(token, 'base64url');
      if (bytes.length <= MAC_BYTES || bytes.toString('base64url') !== token) return null;
      const raw = bytes.subarray(MAC_BYTES);
      return timingSafeEqual(bytes.subarray(0, MAC_BYTES), mac(raw)) ? raw : null;
    },
  };
}
