import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { checkArtifactKey, existingArtifact, fromJson, missingArtifact, toJson, type ArtifactStore } from './artifact-store';
import type { Config } from '../config';

// Node 20 is this project's runtime; without this the SDK prints a support notice on start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  /** an S3-compatible endpoint (MinIO…); unset for AWS S3 */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle?: boolean;
  /** keys per list request (S3's maximum, 1000, by default; tests lower it to page) */
  pageSize?: number;
}

const isMissing = (err: unknown) =>
  err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404);

// An object PUT is atomic in S3, so a retried activity overwrites the same key and a reader
// sees the old object or the new one, never half. "Folders" are key prefixes ending in '/'.
export class S3ArtifactStore implements ArtifactStore {
  readonly client: S3Client;
  readonly bucket: string;
  private readonly pageSize: number;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.pageSize = options.pageSize ?? 1000;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: options.credentials,
      // S3-compatible servers do not all implement the newer default CRC checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, data: Buffer | string): Promise<string> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: checkArtifactKey(key), Body: typeof data === 'string' ? Buffer.from(data) : data }),
    );
    return key;
  }

  putJson(key: string, value: unknown): Promise<string> {
    return this.put(key, toJson(value));
  }

  /**
   * A conditional PUT (If-None-Match: *): S3 and MinIO refuse it with 412 when the key
   * exists, atomically. The HEAD first gives the same answer on servers that ignore the
   * condition (s3rver in the tests), short of a race.
   */
  async create(key: string, data: Buffer | string): Promise<string> {
    if (await this.exists(key)) throw existingArtifact(key);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: checkArtifactKey(key),
          Body: typeof data === 'string' ? Buffer.from(data) : data,
          IfNoneMatch: '*',
        }),
      );
    } catch (err) {
      const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
      // 412: the key exists; 409: another conditional write of it is under way (it wins).
      if (status === 412 || status === 409 || (err as Error).name === 'PreconditionFailed') throw existingArtifact(key);
      throw err;
    }
    return key;
  }

  createJson(key: string, value: unknown): Promise<string> {
    return this.create(key, toJson(value));
  }

  async get(key: string): Promise<Buffer> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: checkArtifactKey(key) }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      throw isMissing(err) ? missingArtifact(key) : err;
    }
  }

  async getJson<T>(key: string): Promise<T> {
    return fromJson<T>(await this.get(key));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: checkArtifactKey(key) }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys = await this.keysUnder(`${checkArtifactKey(prefix)}/`, '/');
    return keys.sort();
  }

  async remove(keyOrPrefix: string): Promise<void> {
    const keys = [checkArtifactKey(keyOrPrefix), ...(await this.keysUnder(`${keyOrPrefix}/`))];
    for (let i = 0; i < keys.length; i += 1000) {
      // DeleteObjects takes at most 1000 keys a request.
      const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } }));
    }
  }

  /** Every key under a prefix (one level with a delimiter), following continuation tokens. */
  private async keysUnder(prefix: string, delimiter?: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          ContinuationToken: token,
          MaxKeys: this.pageSize,
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }
}

export function s3StoreFromConfig(cfg: Config): S3ArtifactStore {
  const id = cfg.EXAMFLOW_S3_ACCESS_KEY_ID;
  const secret = cfg.EXAMFLOW_S3_SECRET_ACCESS_KEY;
  return new S3ArtifactStore({
    bucket: cfg.EXAMFLOW_S3_BUCKET!, // the configuration schema requires it for s3
    region: cfg.EXAMFLOW_S3_REGION,
    endpoint: cfg.EXAMFLOW_S3_ENDPOINT,
    credentials: id && secret ? { accessKeyId: id, secretAccessKey: secret } : undefined,
    forcePathStyle: cfg.EXAMFLOW_S3_FORCE_PATH_STYLE,
  });
}
