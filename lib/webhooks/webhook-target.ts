import ipaddr from 'ipaddr.js';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

// Where examflow may POST a tenant's webhook. A tenant must not be able to make the worker
// call into the deployment itself (Temporal's frontend, the Web UI, cloud metadata, other
// private services), so only public unicast addresses are allowed: the address is checked
// when the URL is set and again on the very connection of every delivery (DNS may change in
// between), redirects are never followed and credentials in the URL are refused.
// `allowPrivate` lifts the address check for local development and tests only
// (EXAMFLOW_WEBHOOK_ALLOW_PRIVATE); production compose refuses it.

/** A webhook URL examflow will not call; the message says what to change. */
export class UnsafeWebhookTarget extends Error {}

export interface TargetOptions {
  allowPrivate: boolean;
}

/**
 * Null for a public unicast address; otherwise the kind of address it is (loopback,
 * private, linkLocal, carrierGradeNat, reserved, …). IPv4-mapped IPv6 addresses are judged
 * as the IPv4 address they carry; every IPv6 range that embeds or translates to IPv4
 * (6to4, Teredo, NAT64) is refused along with the rest.
 */
export function blockedAddressKind(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return range === 'unicast' ? null : range;
}

function refuseAddress(host: string, address: string, options: TargetOptions): void {
  if (options.allowPrivate) return;
  const kind = blockedAddressKind(address);
  if (kind) {
    const shown = host === address ? address : `${host} (${address})`;
    throw new UnsafeWebhookTarget(`webhook host ${shown} is a ${kind} address: webhooks go to public internet addresses only`);
  }
}

/** Checks what the URL itself says: scheme, no credentials, and an IP literal's address. */
function checkWebhookUrl(raw: string, options: TargetOptions): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeWebhookTarget('the webhook URL is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnsafeWebhookTarget('the webhook URL must be http:// or https://');
  if (url.username || url.password)
    throw new UnsafeWebhookTarget(
      'the webhook URL must not carry a user name or password: use the signing secret to authenticate deliveries',
    );
  const host = hostOf(url);
  if (isIP(host)) refuseAddress(host, host, options);
  return url;
}

/** The URL's host without IPv6 brackets; the URL parser has already turned numeric and hex IPv4 forms into dotted quads. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Checks the URL and every address its host resolves to now (at PUT time). */
export async function checkWebhookTarget(raw: string, options: TargetOptions): Promise<URL> {
  const url = checkWebhookUrl(raw, options);
  const host = hostOf(url);
  if (isIP(host)) return url;
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
  } catch {
    throw new UnsafeWebhookTarget(`webhook host ${host} does not resolve: check the URL`);
  }
  for (const { address } of addresses) refuseAddress(host, address, options);
  return url;
}

/**
 * A DNS lookup for the delivery's own connection that refuses blocked addresses, so the
 * address connected to is the address checked (no window for DNS rebinding).
 */
function guardedLookup(options: TargetOptions): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dns.lookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      try {
        for (const { address } of addresses) refuseAddress(hostname, address, options);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      if (lookupOptions.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

export interface WebhookPost {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/**
 * POSTs to a webhook URL, checked as above on the connection itself. Redirects are
 * answers like any other (never followed): the caller decides what a 3xx means.
 */
export async function postToWebhook(raw: string, post: WebhookPost, options: TargetOptions): Promise<number> {
  const url = checkWebhookUrl(raw, options);
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise<number>((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...post.headers, 'Content-Length': String(Buffer.byteLength(post.body)) },
        lookup: guardedLookup(options),
        timeout: post.timeoutMs,
        agent: false,
      },
      (response) => {
        response.resume(); // the answer's body is not read
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`webhook ${url.origin} did not answer within ${post.timeoutMs / 1000} s`)));
    request.on('error', reject);
    request.end(post.body);
  });
}
