import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ActivityDeps } from '../../activities';
import type { Diagnosis } from '../../domain/documents';
import type { GradedExam } from '../../domain/grade';
import type { ParsedExam } from '../../domain/paper';
import type { QuestionTags } from '../../domain/tagging';
import type { Template } from '../../domain/template';
import { examKeys } from '../../lib/artifacts/artifacts';
import { config } from '../../lib/config';
import { configureLogger } from '../../lib/logger';
import type { LlmSettings } from '../../lib/llm/settings';
import { countingCache, memoryCache } from '../../lib/tagging/tag-cache';
import { createActivityDeps } from '../../worker/activity-deps';

/**
 * The real activities, over dependencies built as the worker builds them (the test process's
 * data folder), with whatever a test sets itself in `overrides` (the LLM, the cache, the webhook
 * poster). close() stops the recognisers and the browser they started.
 */
export function testActivities(overrides: Partial<ActivityDeps> = {}) {
  configureLogger(config());
  const owned = createActivityDeps(config());
  const deps: ActivityDeps = { ...owned.deps, ...overrides };
  return { activities: createActivities(deps), deps, close: () => owned.close() };
}

let shared: ReturnType<typeof testActivities> | undefined;
const sharedDeps = () => (shared ??= testActivities()).deps;

/** Closes the dependencies runAnalyze and runDiagnose started (none start a browser or recogniser). */
export async function closeSharedTestActivities(): Promise<void> {
  await shared?.close();
  shared = undefined;
}

/**
 * The analyzeAnswers activity on one paper, as a worker runs it (in an activity context), with the
 * LLM and tag cache given: the paper and its template are stored, the graded exam read back.
 */
export async function runAnalyze(
  template: Template,
  parsed: ParsedExam,
  llm: LlmSettings | null,
  tags?: Partial<ActivityDeps['tags']>,
): Promise<GradedExam> {
  const deps = sharedDeps();
  const tagCache = { cache: tags?.cache ?? countingCache(memoryCache<QuestionTags>(1000)), ttlMs: tags?.ttlMs ?? 7 * 24 * 3600_000 };
  const { analyzeAnswers } = createActivities({ ...deps, llm, tags: tagCache });
  const examId = randomUUID();
  const keys = examKeys(examId);
  const { store } = deps;
  const [templateKey, parsedKey] = await Promise.all([store.putJson(keys.template, template), store.putJson(keys.parsed, parsed)]);
  const out: { gradedKey: string } = await new MockActivityEnvironment().run(analyzeAnswers, { examId, templateKey, parsedKey });
  const { gradedKey } = out;
  return deps.store.getJson<GradedExam>(gradedKey);
}

/** The diagnoseExam activity on one graded exam, with the LLM given. */
export async function runDiagnose(template: Template, graded: GradedExam, llm: LlmSettings | null): Promise<Diagnosis> {
  const deps = sharedDeps();
  const { diagnoseExam } = createActivities({ ...deps, llm });
  const examId = randomUUID();
  const keys = examKeys(examId);
  const { store } = deps;
  const [templateKey, gradedKey] = await Promise.all([store.putJson(keys.template, template), store.putJson(keys.graded, graded)]);
  const out: { diagnosisKey: string } = await new MockActivityEnvironment().run(diagnoseExam, { examId, templateKey, gradedKey });
  const { diagnosisKey } = out;
  return deps.store.getJson<Diagnosis>(diagnosisKey);
}
