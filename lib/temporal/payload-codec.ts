import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config';

// Temporal payloads (workflow inputs and results, activity arguments, memos) are encrypted
// with AES-256-GCM before they leave the client or the worker, so students' names and ids
// never sit in Temporal's database or its Web UI in clear text. The Web UI shows them only
// through the API's codec endpoint, to an admin token. Payloads written before encryption
// (old histories) decode as they are, so they still replay.

const ENCODING = 'binary/encrypted';
/** Used when EXAMFLOW_PAYLOAD_KEY is unset: fine on one development machine, never in production. */
const DEVELOPMENT_KEY = 'examflow-development-payload-key';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : '');

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly key: Buffer;
  /** names the key in each payload, so a rotated key can be told apart */
  readonly keyId: string;

  constructor(secret: string) {
    this.key = createHash('sha256').update(secret).digest();
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 12);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const sealed = Buffer.concat([cipher.update(temporal.api.common.v1.Payload.encode(payload).finish()), cipher.final()]);
      return {
        metadata: { encoding: utf8(ENCODING), 'encryption-key-id': utf8(this.keyId) },
        data: Buffer.concat([iv, sealed, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCODING) return payload; // written before encryption
      const keyId = text(payload.metadata?.['encryption-key-id']);
      if (keyId !== this.keyId)
        throw new Error(`payload encrypted with key ${keyId}, not this process's EXAMFLOW_PAYLOAD_KEY (${this.keyId})`);
      const data = Buffer.from(payload.data ?? []);
      const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

let shared: { secret: string; codec: AesGcmPayloadCodec } | undefined;
/** The process's codec, from EXAMFLOW_PAYLOAD_KEY (or the development key). */
export function payloadCodec(cfg: Pick<Config, 'EXAMFLOW_PAYLOAD_KEY'>): AesGcmPayloadCodec {
  const secret = cfg.EXAMFLOW_PAYLOAD_KEY ?? DEVELOPMENT_KEY;
  if (shared?.secret !== secret) shared = { secret, codec: new AesGcmPayloadCodec(secret) };
  return shared.codec;
}

/** The data converter every examflow client and worker uses. */
export function examflowDataConverter(cfg: Pick<Config, 'EXAMFLOW_PAYLOAD_KEY'>): DataConverter {
  return { payloadCodecs: [payloadCodec(cfg)] };
}
