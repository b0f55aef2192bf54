import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { config } from '../lib/config';
import { examflowDataConverter } from '../lib/temporal/payload-codec';
import { temporalConnectionOptions } from '../lib/temporal/temporal-connection';

// npm run capture-history -- <examId> <name>
// Saves the event history of a real exam run into test/histories/<name>.json, where the
// replay test checks that the current workflow code still replays it.
async function main(): Promise<void> {
  const [examId, name] = process.argv.slice(2);
  if (!examId || !name || !/^[a-z0-9-]+$/.test(name)) throw new Error('usage: npm run capture-history -- <examId> <name-in-kebab-case>');
  const cfg = config();
  const connection = await Connection.connect(temporalConnectionOptions(cfg));
  try {
    const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter: examflowDataConverter(cfg) });
    const handle = client.workflow.getHandle(examId);
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') throw new Error(`exam ${examId} is still running: capture it once it has closed`);
    const file = path.resolve(__dirname, '../../test/histories', `${name}.json`);
    writeFileSync(file, historyToJSON(await handle.fetchHistory()));
    console.log(`wrote ${file} (${status.name})`);
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
