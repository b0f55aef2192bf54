import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

// Large data (page images, OCR text, results, reports) lives here and travels through
// workflows as keys. Writes are atomic (temp file + rename) so a retried activity simply
// overwrites the same key and a reader never sees half a file.

const keyPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export class ArtifactStore {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    if (!keyPattern.test(key) || key.includes('..')) throw new Error(`invalid artifact key: ${JSON.stringify(key)}`);
    return path.join(this.root, key);
  }

  async put(key: string, data: Buffer | string): Promise<string> {
    const file = this.pathOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
    return key;
  }

  putJson(key: string, value: unknown): Promise<string> {
    return this.put(key, JSON.stringify(value, null, 2));
  }

  get(key: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(key));
  }

  async getJson<T>(key: string): Promise<T> {
    return JSON.parse((await this.get(key)).toString('utf8')) as T;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  /** The keys directly inside a prefix ("templates/school-1" → its files), sorted. */
  async list(prefix: string): Promise<string[]> {
    try {
      const entries = await fs.readdir(this.pathOf(prefix), { withFileTypes: true });
      return entries.filter((e) => e.isFile() && !e.name.endsWith('.tmp')).map((e) => `${prefix}/${e.name}`).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Removes a key or a whole prefix ("exams/abc"). */
  async remove(keyOrPrefix: string): Promise<void> {
    await fs.rm(this.pathOf(keyOrPrefix), { recursive: true, force: true });
  }
}
