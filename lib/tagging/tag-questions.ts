import type { Logger } from '@temporalio/common';
import { needsTags, ruleTags, withTags, type QuestionTags, type TagSource } from '../../domain/tagging';
import { questionKey, type Template } from '../../domain/template';
import type { ChatOptions } from '../llm/client';
import type { LlmSettings } from '../llm/settings';
import { llmTags } from '../llm/tagging';
import { tagCacheKey, type TtlCache } from './tag-cache';

// Tagging for the analyze activity (not an activity itself): the template's own tags win;
// then the tag cache, then the LLM (when configured), and the rules for anything left.

export interface TaggedTemplate {
  template: Template;
  /** per question number */
  sources: Record<string, TagSource>;
  /** question numbers the LLM should have tagged but could not (tagged by the rules) */
  degraded: string[];
}

export interface TagDeps {
  cache: TtlCache<QuestionTags>;
  ttlMs: number;
  call?: ChatOptions;
  /** where a failed LLM call is reported (the activity's logger) */
  log: Pick<Logger, 'warn'>;
}

function cacheKey(template: Template, q: Template['questions'][number]): string {
  // The language is part of the subject: the same question is named in Chinese or English.
  return tagCacheKey(`${template.subject}|${template.language}`, q.text ?? '', [q.answer, ...(q.options ?? [])].join('\n'));
}

/** Fills every missing knowledge point and difficulty of the template. Never throws for LLM trouble. */
export async function tagQuestions(template: Template, llm: LlmSettings | null, deps: TagDeps): Promise<TaggedTemplate> {
  const untagged = template.questions.filter(needsTags);
  const found = new Map<string, QuestionTags>();
  const degraded: string[] = [];
  if (llm && untagged.length) {
    const { cache } = deps;
    const keys = new Map(untagged.map((q) => [q.number, cacheKey(template, q)]));
    for (const q of untagged) {
      const hit = await cache.get(keys.get(q.number)!);
      if (hit) found.set(q.number, hit);
    }
    const ask = untagged.filter((q) => !found.has(q.number));
    if (ask.length) {
      try {
        const tags = await llmTags(llm, template, ask, deps.call);
        for (const [number, t] of tags) {
          found.set(number, t);
          await cache.set(keys.get(number)!, t, deps.ttlMs);
        }
      } catch (err) {
        deps.log.warn('LLM tagging failed; using the rule-based tags', { err: (err as Error).message, templateId: template.id });
      }
      degraded.push(...ask.filter((q) => !found.has(q.number)).map(questionKey));
    }
  }
  const sources: Record<string, TagSource> = {};
  const questions = template.questions.map((q) => {
    if (!needsTags(q)) {
      sources[questionKey(q)] = 'template';
      return q;
    }
    const llmTagged = found.get(q.number);
    sources[questionKey(q)] = llmTagged ? 'llm' : 'rules';
    return withTags(q, llmTagged ?? ruleTags(template, q));
  });
  return { template: { ...template, questions }, sources, degraded };
}
