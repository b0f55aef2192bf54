import { questionKey, type Difficulty, type Template, type TemplateQuestion } from './template';
import { normalizeAnswer, toHalfWidth } from './normalize';
import { subjectOf, taxonomy, type TaxonomyEntry } from './taxonomy';

// Rule-based tagging: knowledge points from the keyword taxonomy, difficulty from simple
// rules. Pure and offline; the analyze activity uses it for every question the template
// left untagged, and as the fallback whenever the LLM tagger fails.

export interface QuestionTags {
  knowledgePoints: string[];
  difficulty: Difficulty;
}

/** Where a question's tags came from: the answer key, the built-in rules, or the LLM. */
export type TagSource = 'template' | 'rules' | 'llm';

const MAX_POINTS = 3;

/** True when the template leaves a knowledge point or the difficulty of a question open. */
export function needsTags(q: TemplateQuestion): boolean {
  return !q.knowledgePoints?.length || !q.difficulty;
}

/** The answer as words: for choice/multi the chosen options' text ("B" → "goes"), else the key. */
function answerText(q: TemplateQuestion): string {
  if ((q.type === 'choice' || q.type === 'multi') && q.options?.length) {
    const picked = [...q.answer].map((l) => q.options?.[l.charCodeAt(0) - 65]).filter((o): o is string => !!o);
    if (picked.length) return picked.join(' ');
  }
  return q.answer;
}

/** Everything tagging reads about a question, as one string (also the cache key's input). */
function tagInput(q: TemplateQuestion): string {
  return [q.text ?? '', ...(q.options ?? []), ...(q.keywords ?? []), answerText(q)].join('\n');
}

const latinWord = /^[a-z][a-z\s'-]*\*?$/;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function keywordMatches(keyword: string | RegExp, spaced: string, compact: string): boolean {
  if (keyword instanceof RegExp) return keyword.test(compact);
  const k = toHalfWidth(keyword).toLowerCase();
  if (!latinWord.test(k)) return compact.includes(k.replace(/\s+/g, ''));
  // Whole words, so "is" never matches "island"; a trailing * allows any ending.
  const stem = k.endsWith('*');
  const body = escape(stem ? k.slice(0, -1) : k).replace(/\s+/g, '\\s+');
  return new RegExp(`(?<![a-z])${body}${stem ? '' : '(?![a-z])'}`).test(spaced);
}

function entryScore(entry: TaxonomyEntry, spaced: string, compact: string, answer: string): number {
  const words = entry.keywords.filter((k) => keywordMatches(k, spaced, compact)).length;
  return words + (entry.answers?.includes(answer) ? 1 : 0);
}

/** Knowledge points of one question from the subject's taxonomy; [] when nothing matches. */
export function ruleKnowledgePoints(subject: string, q: TemplateQuestion, language: Template['language']): string[] {
  const key = subjectOf(subject);
  if (!key) return [];
  const spaced = toHalfWidth(tagInput(q)).toLowerCase().replace(/\s+/g, ' ');
  const compact = spaced.replace(/\s+/g, '');
  const answer = normalizeAnswer(answerText(q));
  const scored = taxonomy[key]
    .map((entry, order) => ({ entry, order, score: entryScore(entry, spaced, compact, answer) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order);
  if (!scored.length) return [];
  const best = scored[0]!.score;
  // The best match, plus any other point the question clearly touches (two or more cues).
  const chosen = scored.filter((s) => s.score === best || s.score >= 2).slice(0, MAX_POINTS);
  return chosen.map(({ entry }) => (typeof entry.name === 'string' ? entry.name : entry.name[language === 'en' ? 'en' : 'zh']));
}

const hardCues = [
  '证明',
  '求证',
  '推导',
  '探究',
  '综合',
  '分类讨论',
  '最值',
  '最大值',
  '最小值',
  '动点',
  '取值范围',
  'prove',
  'explain why',
  'justify',
  'derive',
  'show that',
  'evaluate',
];
const easyCues = ['直接写出', '读出', 'write down', 'which word', 'name the'];
const typeWeight: Record<TemplateQuestion['type'], number> = { choice: 0, truefalse: 0, fill: 1, multi: 2, open: 3 };

/**
 * Difficulty from the question's shape: a weight per type (choice/true-false 0, fill 1,
 * multi 2, open 3), +1 for 10 points or more, +1 for a long question (over 80 characters),
 * +2 for a cue of reasoning (证明, 最值, prove, explain why…), −1 for a cue of recall
 * (直接写出, write down…). 0–1 is easy, 2–3 medium, 4 and above hard.
 */
export function ruleDifficulty(q: TemplateQuestion): Difficulty {
  const text = toHalfWidth(q.text ?? '').toLowerCase();
  let score = typeWeight[q.type];
  if (q.points >= 10) score += 1;
  if ([...text.replace(/\s+/g, ' ')].length > 80) score += 1;
  if (hardCues.some((c) => text.includes(c))) score += 2;
  if (easyCues.some((c) => text.includes(c))) score -= 1;
  return score <= 1 ? 'easy' : score <= 3 ? 'medium' : 'hard';
}

/** Rule tags for one question (knowledge points may be [] for an unknown subject). */
export function ruleTags(template: Pick<Template, 'subject' | 'language'>, q: TemplateQuestion): QuestionTags {
  return { knowledgePoints: ruleKnowledgePoints(template.subject, q, template.language), difficulty: ruleDifficulty(q) };
}

/** The question with its gaps filled from `tags`; whatever the template states is kept. */
export function withTags(q: TemplateQuestion, tags: QuestionTags): TemplateQuestion {
  const knowledgePoints = q.knowledgePoints?.length ? q.knowledgePoints : tags.knowledgePoints;
  return { ...q, ...(knowledgePoints.length ? { knowledgePoints } : {}), difficulty: q.difficulty ?? tags.difficulty };
}

/** The template with every untagged question tagged by the rules (the offline path). */
export function tagTemplateByRules(template: Template): { template: Template; sources: Record<string, TagSource> } {
  const sources: Record<string, TagSource> = {};
  const questions = template.questions.map((q) => {
    sources[questionKey(q)] = needsTags(q) ? 'rules' : 'template';
    return needsTags(q) ? withTags(q, ruleTags(template, q)) : q;
  });
  return { template: { ...template, questions }, sources };
}
