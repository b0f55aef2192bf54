// Large data (page images, OCR text, results, reports) lives in an artifact store and
// travels through workflows as keys. Two implementations: a folder (the default, atomic
// temp file + rename) and an S3-compatible bucket (production). A put of the same key
// overwrites, so a retried activity never duplicates; a reader never sees half an object.

export interface ArtifactStore {
  put(key: string, data: Buffer | string): Promise<string>;
  /**
   * Write-once: stores the key only if it does not exist yet, atomically; otherwise rejects
   * with an error whose `code` is 'EEXIST' and leaves the stored object untouched. What a
   * submission stores is written this way, so a racing second submission can never
   * overwrite the first one's files.
   */
  create(key: string, data: Buffer | string): Promise<string>;
  createJson(key: string, value: unknown): Promise<string>;
  putJson(key: string, value: unknown): Promise<string>;
  /** Rejects with an error whose `code` is 'ENOENT' when the key does not exist. */
  get(key: string): Promise<Buffer>;
  getJson<T>(key: string): Promise<T>;
  exists(key: string): Promise<boolean>;
  /** The keys directly inside a prefix ("templates/school-1" → its files), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes a key or a whole prefix ("exams/abc"). */
  remove(keyOrPrefix: string): Promise<void>;
}

const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** The same keys are valid in every store: no absolute paths, no `..`, no empty segments. */
export function checkArtifactKey(key: string): string {
  if (!keyPattern.test(key) || key.includes('..')) throw new Error(`invalid artifact key: ${JSON.stringify(key)}`);
  return key;
}

/** The error a missing key produces, whatever the store (callers test `code === 'ENOENT'`). */
export function missingArtifact(key: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such artifact ${JSON.stringify(key)}`), { code: 'ENOENT' });
}

/** The error a write-once key that already exists produces, whatever the store (`code === 'EEXIST'`). */
export function existingArtifact(key: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EEXIST: artifact ${JSON.stringify(key)} exists already and is never overwritten`), { code: 'EEXIST' });
}

export const toJson = (value: unknown): string => JSON.stringify(value, null, 2);
export const fromJson = <T>(data: Buffer): T => JSON.parse(data.toString('utf8')) as T;
