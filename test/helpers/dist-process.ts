import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { createApiDeps } from '../../api/deps';
import { examIdFor, submitExam } from '../../api/exams/start-exam';
import { templateSchema } from '../../domain/template';
import { config } from '../../lib/config';
import { sharedChromium } from '../../lib/documents/browser';
import { chooseAnswers } from '../fixtures/answers';
import { renderExamPaper } from '../fixtures/generator';

// The real worker and API processes of this build, for the tests of their life cycle (start,
// SIGTERM), and the one-page exam they are given to read.

const dist = path.resolve(__dirname, '../..');

export const zhMath = templateSchema.parse(
  JSON.parse(readFileSync(path.join(__dirname, '../../../test/fixtures/templates/zh-math.json'), 'utf8')),
);

/** `script` (worker/main.js, api/main.js) run by node against the Temporal server at `temporalAddress`, logging warnings only. */
export function runDist(
  script: string,
  temporalAddress: string,
  extra: Record<string, string> = {},
  stdout: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  return spawn(process.execPath, [path.join(dist, script)], {
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, LOG_LEVEL: 'warn', ...extra },
    stdio: ['ignore', stdout, stdout === 'pipe' ? 'inherit' : 'ignore'],
  });
}

export const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

/** A one-page zh-math paper submitted as an exam on `taskQueue` (one only the test's worker process polls); its exam id. */
export async function submitPaper(client: Client, taskQueue: string, seed: number): Promise<string> {
  const paper = await renderExamPaper({
    template: zhMath,
    student: { name: '周杰', class: '1', id: String(seed) },
    answers: chooseAnswers(zhMath, 0, seed),
    pages: 1,
    seed,
  });
  const examId = examIdFor('school-a', undefined);
  const deps = createApiDeps(client, config(), sharedChromium());
  await submitExam(deps, { examId, tenantId: 'school-a', template: zhMath, pages: paper.pages, priority: 'normal', taskQueue });
  return examId;
}
