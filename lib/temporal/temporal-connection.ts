import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { Config } from '../config';

// Connection options shared by the client Connection (API, scripts) and the worker's
// NativeConnection: address plus TLS (mTLS client certificate, private CA, server name)
// or an API key (Temporal Cloud). Plain TCP when none is set, as the dev server wants.

function readPem(what: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`${what}: cannot read ${file} (${(err as Error).message})`, { cause: err });
  }
}

function temporalTls(cfg: Config): TLSConfig | undefined {
  const wanted =
    cfg.TEMPORAL_TLS || cfg.TEMPORAL_TLS_CERT_PATH || cfg.TEMPORAL_TLS_CA_PATH || cfg.TEMPORAL_TLS_SERVER_NAME || cfg.TEMPORAL_API_KEY;
  if (!wanted) return undefined;
  return {
    ...(cfg.TEMPORAL_TLS_CERT_PATH && cfg.TEMPORAL_TLS_KEY_PATH
      ? {
          clientCertPair: {
            crt: readPem('TEMPORAL_TLS_CERT_PATH', cfg.TEMPORAL_TLS_CERT_PATH),
            key: readPem('TEMPORAL_TLS_KEY_PATH', cfg.TEMPORAL_TLS_KEY_PATH),
          },
        }
      : {}),
    ...(cfg.TEMPORAL_TLS_CA_PATH ? { serverRootCACertificate: readPem('TEMPORAL_TLS_CA_PATH', cfg.TEMPORAL_TLS_CA_PATH) } : {}),
    ...(cfg.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: cfg.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
}

/** `{ address, tls?, apiKey? }`: valid for both Connection.connect and NativeConnection.connect. */
export function temporalConnectionOptions(cfg: Config): { address: string; tls?: TLSConfig; apiKey?: string } {
  const tls = temporalTls(cfg);
  return {
    address: cfg.TEMPORAL_ADDRESS,
    ...(tls ? { tls } : {}),
    ...(cfg.TEMPORAL_API_KEY ? { apiKey: cfg.TEMPORAL_API_KEY } : {}),
  };
}
