import { z } from '../lib/zod';
import { defaultQuestionNumber, type Layout } from './omr-layout';
import { expandLabels, layoutFromOmrChecker, OmrCheckerImportError } from './omrchecker-template';
import { questionKey, templateSchema, type MarkingRules, type Template, type TemplateQuestion } from './template';

// An examflow template from OMRChecker's template.json and evaluation.json (or its answer-key
// CSV): the layout, one question per answer column ("q12" → question 12, custom labels joined
// into one answer), the roll number as the student's id, and the marking schemes as marking
// rules — DEFAULT for the template, every other scheme a section of its questions.

export { OmrCheckerImportError };

const score = z.union([z.number(), z.string()]);
const schemeMarking = z.object({ correct: score.optional(), incorrect: score.optional(), unmarked: score.optional() }).passthrough();
const answerItem = z.union([z.string(), z.array(z.string()), z.array(z.tuple([z.string(), score]))]);
const omrCheckerEvaluationSchema = z
  .object({
    source_type: z.string().optional(),
    options: z
      .object({ questions_in_order: z.array(z.string()).optional(), answers_in_order: z.array(answerItem).optional() })
      .passthrough()
      .optional(),
    marking_schemes: z.record(
      z.string(),
      z.union([schemeMarking, z.object({ questions: z.array(z.string()), marking: schemeMarking }).passthrough()]),
    ),
  })
  .passthrough();
type AnswerItem = z.infer<typeof answerItem>;

export interface OmrCheckerImport {
  id: string;
  title: string;
  subject: string;
  language: Template['language'];
  template: unknown;
  evaluation?: unknown;
  /** an answer key CSV (label,answer per line), for evaluations with source_type "csv" */
  answerKeyCsv?: string;
  markerDataUrl?: string;
  /** the reference scan FeatureBasedAlignment matches */
  referenceDataUrl?: string;
}

/** "3", "-1", "-2/3", 1.5 → a number. */
export function parseScore(v: unknown, where: string): number {
  const m = typeof v === 'number' ? null : /^\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?))?\s*$/.exec(typeof v === 'string' ? v : '');
  const n = typeof v === 'number' ? v : m ? Number(m[1]) / (m[2] ? Number(m[2]) : 1) : NaN;
  if (!Number.isFinite(n) || Math.abs(n) > 1000)
    throw new OmrCheckerImportError(`${where}: "${String(v)}" is not a score such as 3, -1 or -2/3`);
  return n;
}

function rulesOf(m: z.infer<typeof schemeMarking>, where: string): MarkingRules {
  return {
    correct: parseScore(m.correct ?? 1, `${where}.correct`),
    incorrect: parseScore(m.incorrect ?? 0, `${where}.incorrect`),
    unmarked: parseScore(m.unmarked ?? 0, `${where}.unmarked`),
  };
}

/** label,answer per line; an answer may be a list such as ['B','C']. */
function csvKey(csv: string): Map<string, AnswerItem> {
  const key = new Map<string, AnswerItem>();
  for (const line of csv.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const at = line.indexOf(',');
    if (at < 0) continue;
    const label = line.slice(0, at).trim().replace(/^"|"$/g, '');
    const raw = line
      .slice(at + 1)
      .trim()
      .replace(/^"|"$/g, '');
    if (!label || !raw) continue;
    let item: AnswerItem = raw;
    if (raw.startsWith('[')) {
      try {
        item = answerItem.parse(JSON.parse(raw.replace(/'/g, '"')));
      } catch {
        throw new OmrCheckerImportError(`answer key CSV: the answer of ${label} ("${raw}") is neither a value nor a list of values`);
      }
    }
    key.set(label, item);
  }
  return key;
}

function answerKey(evaluation: z.infer<typeof omrCheckerEvaluationSchema> | undefined, csv: string | undefined): Map<string, AnswerItem> {
  if (csv !== undefined) return csvKey(csv);
  const labels = expandLabels(evaluation?.options?.questions_in_order ?? []);
  const answers = evaluation?.options?.answers_in_order ?? [];
  if (evaluation && evaluation.source_type === 'csv' && !answers.length)
    throw new OmrCheckerImportError('this evaluation reads its answer key from a CSV file: send that file as "answerKey"');
  if (labels.length !== answers.length)
    throw new OmrCheckerImportError(`evaluation: ${labels.length} questions_in_order but ${answers.length} answers_in_order`);
  return new Map(labels.map((l, i) => [l, answers[i]!]));
}

/** The key, the other right answers and weighted answers of one question. */
function keyOf(item: AnswerItem, singleLetters: boolean, where: string): Pick<TemplateQuestion, 'answer' | 'accept' | 'answerPoints'> {
  if (typeof item === 'string') return { answer: item };
  if (item.length && Array.isArray(item[0])) {
    const weighted = (item as [string, string | number][]).map(([a, s]) => [a, parseScore(s, where)] as const);
    const best = [...weighted].sort((a, b) => b[1] - a[1])[0]!;
    return { answer: best[0], answerPoints: Object.fromEntries(weighted) };
  }
  const all = item as string[];
  const first = (singleLetters ? all.find((a) => /^[A-H]$/.test(a)) : undefined) ?? all[0]!;
  const rest = all.filter((a) => a !== first);
  return { answer: first, ...(rest.length ? { accept: rest } : {}) };
}

const SECTION_MAX = 20;

export function importOmrChecker(input: OmrCheckerImport): Template {
  const { layout, columns } = layoutFromOmrChecker(input.template, { marker: input.markerDataUrl, reference: input.referenceDataUrl });
  const evalParsed = input.evaluation === undefined ? undefined : omrCheckerEvaluationSchema.safeParse(input.evaluation);
  if (evalParsed && !evalParsed.success)
    throw new OmrCheckerImportError('evaluation is not an OMRChecker evaluation.json', evalParsed.error.issues);
  const evaluation = evalParsed?.data;
  if (!evaluation && input.answerKeyCsv === undefined)
    throw new OmrCheckerImportError(
      'an examflow template grades answers against a key: send OMRChecker\'s evaluation.json as "evaluation" (or its answer key CSV as "answerKey")',
    );
  const key = answerKey(evaluation, input.answerKeyCsv);

  const schemes = evaluation?.marking_schemes ?? { DEFAULT: { correct: 1, incorrect: 0, unmarked: 0 } };
  const marking = rulesOf('DEFAULT' in schemes ? schemes.DEFAULT : {}, 'marking_schemes.DEFAULT');
  const sections: NonNullable<Template['sections']> = {};
  const sectionOf = new Map<string, string>();
  for (const [name, raw] of Object.entries(schemes)) {
    const scheme = raw as { questions?: string[]; marking?: z.infer<typeof schemeMarking> };
    if (name === 'DEFAULT' || !scheme.questions || !scheme.marking) continue;
    const section = name.trim().slice(0, SECTION_MAX);
    sections[section] = { title: name.slice(0, 100), marking: rulesOf(scheme.marking, `marking_schemes.${name}`) };
    for (const label of expandLabels(scheme.questions)) sectionOf.set(label, section);
  }

  const valuesOf = (labels: string[]) =>
    new Set(layout.fields.flatMap((f) => (f.kind === 'bubbles' && f.labels.some((l) => labels.includes(l)) ? f.values : [])));
  const questions: TemplateQuestion[] = [];
  const mapping: Record<string, string[]> = {};
  for (const [column, item] of key) {
    const labels = columns.get(column);
    if (!labels) throw new OmrCheckerImportError(`the answer key names "${column}", which is no field or custom label of the template`);
    const number = defaultQuestionNumber(column);
    if (!number)
      throw new OmrCheckerImportError(
        `the answer key names "${column}": examflow numbers questions, so answer columns are labelled q1, q2, … (custom labels such as q5 joining q5_1 and q5_2 are fine)`,
      );
    const letters = labels.length === 1 && [...valuesOf(labels)].every((v) => /^[A-H]$/.test(v));
    const keyed = keyOf(item, letters, `the answer of ${column}`);
    const type = letters && /^[A-H]$/.test(keyed.answer) ? 'choice' : 'fill';
    const section = sectionOf.get(column);
    const points = (section ? sections[section]!.marking!.correct : marking.correct) ?? 1;
    const q: TemplateQuestion = { number, type, points: points > 0 ? points : 1, ...keyed, ...(section ? { section } : {}) };
    questions.push(q);
    mapping[questionKey(q)] = labels;
  }
  if (!questions.length)
    throw new OmrCheckerImportError(
      'the answer key names no question: list the answer columns (q1, q2, …) in questions_in_order with their answers_in_order, or in the answer-key CSV',
    );
  const rollColumn = [...columns.keys()].find((c) => /roll|student|reg(istration)?_?no/i.test(c));
  const full: Layout = { ...layout, questions: mapping, ...(rollColumn ? { studentId: columns.get(rollColumn)! } : {}) };
  const template = {
    id: input.id,
    title: input.title,
    subject: input.subject,
    language: input.language,
    questions,
    marking,
    ...(Object.keys(sections).length ? { sections } : {}),
    layout: full,
  };
  const checked = templateSchema.safeParse(template);
  if (!checked.success) throw new OmrCheckerImportError('the imported template is not valid', checked.error.issues);
  return checked.data;
}
