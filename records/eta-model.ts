import { sql } from 'kysely';
import type { EtaModel } from '../domain/eta';
import { records } from './database';
import type { ExamRow } from './schema';

// The measurements the ETA learns from: step times of the newest completed exams, and how
// many exams completed in the last ten minutes. Shared by all requests for a few seconds.

const sampleSize = 200;
const throughputWindowMs = 10 * 60_000;
const freshMs = 10_000;
let cached: { at: number; model: Promise<EtaModel> } | undefined;

async function measure(): Promise<EtaModel> {
  const db = records();
  const num = (key: string) => sql<number | null>`avg((step_ms->>${key})::double precision)`;
  const [means, recent] = await Promise.all([
    db
      .selectFrom((eb) =>
        eb
          .selectFrom('exams')
          .select(['step_ms', 'pages'])
          .where('status', '=', 'completed')
          .where('step_ms', 'is not', null)
          .orderBy('finished_at', 'desc')
          .limit(sampleSize)
          .as('recent'),
      )
      .select((eb) => [
        eb.fn.countAll<string>().as('samples'),
        sql<number | null>`avg((step_ms->>'ocr')::double precision / greatest(pages, 1))`.as('ocr_per_page'),
        num('parse').as('parse'),
        num('analyze').as('analyze'),
        num('diagnose').as('diagnose'),
        num('report').as('report'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('exams')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'completed')
      .where('finished_at', '>=', new Date(Date.now() - throughputWindowMs))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    samples: Number(means.samples),
    ocrPerPageMs: means.ocr_per_page ?? 0,
    stepMs: { parse: means.parse ?? 0, analyze: means.analyze ?? 0, diagnose: means.diagnose ?? 0, report: means.report ?? 0 },
    throughputPerMs: Number(recent.n) / throughputWindowMs,
  };
}

export function etaModel(): Promise<EtaModel> {
  if (!cached || Date.now() - cached.at > freshMs) {
    const entry = { at: Date.now(), model: measure() };
    entry.model.catch(() => cached === entry && (cached = undefined));
    cached = entry;
  }
  return cached.model;
}

/** Exams accepted before this one that have not finished (every tenant shares the workers). */
export async function queueAhead(row: ExamRow): Promise<number> {
  const ahead = await records()
    .selectFrom('exams')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', 'in', ['pending', 'processing'])
    .where('created_at', '<', row.created_at)
    .executeTakeFirstOrThrow();
  return Number(ahead.n);
}
