import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ActivityDeps } from '../activities';
import type { Template } from '../domain/template';
import { examKeys } from '../lib/artifacts/artifacts';

// The raw cost of one exam's steps: the same activity functions the worker runs, called
// one after another in this process with no Temporal in between (pages in parallel, as the
// workflow reads them). The end-to-end latency minus this sum is the orchestration overhead.

export interface StepCosts {
  ocr: number;
  parse: number;
  analyze: number;
  diagnose: number;
  report: number;
  total: number;
}

export async function rawStepCosts(deps: ActivityDeps, template: Template, pages: Buffer[]): Promise<StepCosts> {
  const activities = createActivities(deps);
  const examId = randomUUID();
  const keys = examKeys(examId);
  const { store } = deps;
  const pageKeys = await Promise.all(pages.map((page, i) => store.put(keys.page(i), page)));
  await store.putJson(keys.template, template);
  const env = new MockActivityEnvironment();
  const run = <A, R>(activity: (input: A) => Promise<R>, input: A) => env.run<[A], R, typeof activity>(activity, input);
  const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
    const t = performance.now();
    const out = await run();
    return [out, performance.now() - t];
  };
  try {
    const [ocr, ocrMs] = await timed(() =>
      Promise.all(
        pageKeys.map((pageKey, pageIndex) => run(activities.ocrPage, { examId, pageIndex, pageKey, language: template.language })),
      ),
    );
    const ocrKeys = ocr.map((o) => o.ocrKey);
    const [parsed, parseMs] = await timed(() => run(activities.parseExam, { examId, templateKey: keys.template, ocrKeys, student: {} }));
    const [graded, analyzeMs] = await timed(() =>
      run(activities.analyzeAnswers, { examId, templateKey: keys.template, parsedKey: parsed.parsedKey }),
    );
    const [diagnosis, diagnoseMs] = await timed(() =>
      run(activities.diagnoseExam, { examId, templateKey: keys.template, gradedKey: graded.gradedKey }),
    );
    const [, reportMs] = await timed(() =>
      run(activities.renderReport, {
        examId,
        templateKey: keys.template,
        parsedKey: parsed.parsedKey,
        gradedKey: graded.gradedKey,
        diagnosisKey: diagnosis.diagnosisKey,
        student: {},
      }),
    );
    const steps = { ocr: ocrMs, parse: parseMs, analyze: analyzeMs, diagnose: diagnoseMs, report: reportMs };
    return { ...steps, total: Object.values(steps).reduce((s, v) => s + v, 0) };
  } finally {
    await store.remove(keys.root);
  }
}
