import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkArtifactKey, existingArtifact, fromJson, toJson, type ArtifactStore } from './artifact-store';

// The default store: a folder. Writes are atomic (temp file + rename) so a retried
// activity simply overwrites the same key and a reader never sees half a file.
export class FsArtifactStore implements ArtifactStore {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    return path.join(this.root, checkArtifactKey(key));
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
    return this.put(key, toJson(value));
  }

  /** Written in full to a temp file, then hard-linked into place: link() fails if the key exists. */
  async create(key: string, data: Buffer | string): Promise<string> {
    const file = this.pathOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, data);
    try {
      await fs.link(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw existingArtifact(key);
      throw err;
    } finally {
      // unlink, not rm: rm stats the path first, and this is every submission's hot path
      await fs.unlink(tmp).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err; // what rm's force ignored, and only that
      });
    }
    return key;
  }

  createJson(key: string, value: unknown): Promise<string> {
    return this.create(key, toJson(value));
  }

  get(key: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(key));
  }

  async getJson<T>(key: string): Promise<T> {
    return fromJson<T>(await this.get(key));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async list(prefix: string): Promise<string[]> {
    try {
      const entries = await fs.readdir(this.pathOf(prefix), { withFileTypes: true });
      return entries
        .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
        .map((e) => `${prefix}/${e.name}`)
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async remove(keyOrPrefix: string): Promise<void> {
    await fs.rm(this.pathOf(keyOrPrefix), { recursive: true, force: true });
  }
}
