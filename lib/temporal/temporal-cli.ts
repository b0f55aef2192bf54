import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { examSearchAttributes } from '../../workflows/search-attributes';

/** The Temporal CLI that scripts/setup.sh installed: $TEMPORAL_CLI, PATH, or Go's bin folder. */
export function temporalCliPath(): string {
  const candidates = [process.env.TEMPORAL_CLI];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'temporal'));
  candidates.push(path.join(process.env.GOPATH ?? path.join(os.homedir(), 'go'), 'bin', 'temporal'));
  try {
    candidates.push(path.join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin', 'temporal'));
  } catch {
    // no Go toolchain: the candidates above are all there is
  }
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) throw new Error('Temporal CLI not found: run `npm run setup` (it installs it with `go install`) or set TEMPORAL_CLI');
  return found;
}

const cliTypeNames: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** `--search-attribute Name=Type` for every custom attribute examflow upserts. */
function searchAttributeArgs(): string[] {
  return examSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeNames[key.type]}`]);
}

/**
 * Dynamic config the dev server runs with: the priority-aware matcher, so an urgent exam's
 * tasks are dispatched before a backlog of normal ones, and one partition per task queue
 * (priority holds within a partition; one machine gains nothing from four).
 */
export const devServerDynamicConfigArgs = [
  '--dynamic-config-value',
  'matching.useNewMatcher=true',
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
];

/**
 * The SQLite file in write-ahead-log mode with normal syncing: about twice the workflow
 * starts per second of the default rollback journal (measured 128 vs ~60 on 2 cores), and a
 * killed server still loses nothing committed; only a power cut could lose the last moments.
 */
const devServerSqliteArgs = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

export interface DevServerOptions {
  dbFile: string;
  address: string;
  /** null: no Web UI */
  uiPort: string | null;
  namespace: string;
}

/** `temporal server start-dev` with a SQLite file, the search attributes and the dynamic config. */
export function devServerArgs(o: DevServerOptions): string[] {
  const [ip, port] = o.address.split(':');
  return [
    'server',
    'start-dev',
    '--db-filename',
    o.dbFile,
    '--ip',
    ip ?? '127.0.0.1',
    '--port',
    port ?? '7233',
    ...(o.uiPort === null ? ['--headless'] : ['--ui-port', o.uiPort]),
    '--namespace',
    o.namespace,
    '--log-level',
    'warn',
    ...searchAttributeArgs(),
    ...devServerDynamicConfigArgs,
    ...devServerSqliteArgs,
  ];
}

/** Resolves once the server at `address` answers, or throws after about a minute. */
export async function waitForTemporal(address: string): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`Temporal dev server did not come up on ${address}`);
}
