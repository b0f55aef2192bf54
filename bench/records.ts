import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { startPostgres } from '../lib/postgres-server';
import { closeRecords, openRecords, records } from '../records/database';
import { listExamRecords } from '../records/exam-reads';
import { pageTokens } from '../lib/page-token';
import { recordStatistics } from '../records/exam-statistics';
import { rebuildRollups } from '../records/rollups';
import { Latencies, type LatencySummary } from '../scripts/loadtest/lib';

// node dist/bench/records.js [--rows N] [--queries N]  (npm run bench:records; npm run bench runs it too)
// The records database at scale: a fresh local PostgreSQL, N exam rows (default 1 000 000)
// seeded in one INSERT … SELECT over generate_series (60 days, four tenants, one of them
// holding 70 %), then the list and statistics queries of the API timed one at a time for
// the big tenant. Target: p99 ≤ 50 ms for both.

export interface RecordsBenchFigures {
  rows: number;
  seedS: number;
  list: LatencySummary;
  listFiltered: LatencySummary;
  listDeepPage: LatencySummary;
  listStudent: LatencySummary;
  statistics24h: LatencySummary;
  statistics30d: LatencySummary;
}

/** Seeds `rows` exams: 92 % completed, 5 % failed, 2 % cancelled, the newest 1 % still open. */
async function seed(rows: number): Promise<void> {
  const db = records();
  // A bulk load: the secondary indexes are built once afterwards (as the migrations define
  // them, read back from the catalog) and the rollups rebuilt once, instead of per row.
  const indexes = await sql<{
    indexdef: string;
    indexname: string;
  }>`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'exams' AND indexname <> 'exams_pkey'`.execute(db);
  for (const index of indexes.rows) await db.schema.dropIndex(index.indexname).execute();
  await sql`SET maintenance_work_mem = '256MB'`.execute(db);
  await sql`ALTER TABLE exams DISABLE TRIGGER USER`.execute(db);
  await sql`
    INSERT INTO exams (exam_id, tenant_id, template_id, subject, student_id, student_name, priority, status, step, pages,
                       run_id, run_ids, created_at, started_at, finished_at, score, full_score, artifacts)
    SELECT md5(i::text)::uuid,
           CASE WHEN i % 10 < 7 THEN 'school-big' ELSE 'school-' || (2 + i % 3) END,
           'template-' || (i % 40), CASE i % 3 WHEN 0 THEN 'math' WHEN 1 THEN 'english' ELSE 'science' END,
           'S' || (i % 20000), 'Student ' || (i % 20000), 'normal',
           CASE WHEN i > ${rows} * 0.99 THEN (CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'processing' END)
                WHEN i % 100 < 92 THEN 'completed' WHEN i % 100 < 97 THEN 'failed' ELSE 'cancelled' END,
           'done', 1 + i % 3, md5('run' || i), ARRAY[md5('run' || i)],
           created, created + interval '1 second',
           CASE WHEN i > ${rows} * 0.99 THEN NULL ELSE created + (5 + i % 55) * interval '1 second' END,
           CASE WHEN i % 100 < 92 THEN i % 100 ELSE NULL END, 100, '{}'::jsonb
      FROM generate_series(1, ${rows}) AS i,
           LATERAL (SELECT date_trunc('milliseconds', now() - interval '60 days' + (i::double precision / ${rows}) * interval '60 days') AS created) c`.execute(
    db,
  );
  await sql`ALTER TABLE exams ENABLE TRIGGER USER`.execute(db);
  for (const index of indexes.rows) await sql.raw(index.indexdef).execute(db);
  await rebuildRollups();
  await sql`VACUUM ANALYZE exams`.execute(db); // as autovacuum would: index-only scans need the visibility map
}

async function timed(n: number, query: (i: number) => Promise<unknown>): Promise<LatencySummary> {
  for (let i = 0; i < 5; i++) await query(i); // warm the cache and the plan
  const latencies = new Latencies(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await query(i);
    latencies.add(performance.now() - t);
  }
  return latencies.summary();
}

export async function recordsBenchmark(
  rows: number,
  queries: number,
  log: (msg: string) => void = console.log,
): Promise<RecordsBenchFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'examflow-bench-records-'));
  const server = await startPostgres(path.join(dir, 'cluster'));
  try {
    await openRecords(server.url);
    let t = performance.now();
    log(`records: seeding ${rows} exam rows`);
    await seed(rows);
    const seedS = (performance.now() - t) / 1000;
    log(`records: seeded in ${seedS.toFixed(1)} s`);
    const big = 'school-big';
    // A deep page: the cursor of an exam about half-way back in the big tenant's history.
    const middle = await records()
      .selectFrom('exams')
      .select(['created_at', 'exam_id'])
      .where('tenant_id', '=', big)
      .orderBy('created_at', 'desc')
      .offset(Math.floor(rows * 0.35))
      .limit(1)
      .executeTakeFirstOrThrow();
    const tokens = pageTokens('bench key');
    const deepToken = tokens.seal(Buffer.from(`${middle.created_at.getTime()}.${middle.exam_id}`));
    const day = 86_400_000;
    t = performance.now();
    const figures: RecordsBenchFigures = {
      rows,
      seedS,
      list: await timed(queries, () => listExamRecords(tokens, { scope: big }, 100)),
      listFiltered: await timed(queries, (i) =>
        listExamRecords(tokens, { scope: big, status: i % 2 ? 'failed' : 'completed', subject: 'math' }, 50),
      ),
      listDeepPage: await timed(queries, () => listExamRecords(tokens, { scope: big }, 100, deepToken)),
      listStudent: await timed(queries, (i) => {
        const student = { studentId: `S${(i * 7) % 20000}`, createdFrom: new Date(Date.now() - 30 * day), createdTo: new Date() };
        return listExamRecords(tokens, { scope: big, ...student }, 100);
      }),
      statistics24h: await timed(queries, () => recordStatistics(big, 24)),
      statistics30d: await timed(queries, () => recordStatistics(big, 720)),
    };
    log(`records: ${6 * queries} queries in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return figures;
  } finally {
    await closeRecords();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
export function recordsBenchTable(f: RecordsBenchFigures): string {
  const row = (name: string, s: LatencySummary) =>
    `| ${name} | ${ms(s.median)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} | ${s.p99 <= 50 ? 'met' : 'not met'} |`;
  return [
    `Records database with ${f.rows.toLocaleString('en')} exam rows (seeded in ${f.seedS.toFixed(0)} s), queries for the tenant holding 70 %:`,
    '',
    '| query | median | p95 | p99 | max | p99 ≤ 50 ms |',
    '|---|---|---|---|---|---|',
    row('list, newest 100', f.list),
    row('list, status + subject, 50', f.listFiltered),
    row('list, a page half-way back (cursor)', f.listDeepPage),
    row('list, one student over 30 days', f.listStudent),
    row('statistics, 24 h window', f.statistics24h),
    row('statistics, 30 day window', f.statistics30d),
  ].join('\n');
}

if (require.main === module) {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, queries: { type: 'string', default: '300' } } });
  recordsBenchmark(Number(values.rows), Number(values.queries))
    .then((f) => console.log(`\n${recordsBenchTable(f)}`))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
