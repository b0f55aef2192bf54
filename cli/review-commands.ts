import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReviewDecision } from '../client/examflow-client';
import { UsageError } from './args';
import type { Context, Outcome } from './commands';
import { table } from './format';

// Teacher review from the terminal: the queue, one exam's waiting answers (their images saved
// with -o DIR), decisions, and corrections of a completed exam.

/** `q3=12` sets the answer of item q3; `q4:points=7` awards 7 points. */
function decisionArg(text: string): ReviewDecision {
  const match = /^(q[1-9][0-9]{0,2})(:points)?=(.+)$/.exec(text);
  if (!match) throw new UsageError(`"${text}" is not a decision: ITEM=ANSWER (q3=12) or ITEM:points=N (q4:points=7)`);
  if (!match[2]) return { itemId: match[1]!, answer: match[3]! };
  const awarded = Number(match[3]);
  if (!Number.isFinite(awarded)) throw new UsageError(`"${text}": points must be a number`);
  return { itemId: match[1]!, awarded };
}

export const reviewHandlers: Record<string, (ctx: Context) => Promise<Outcome>> = {
  async 'review list'({ client, values }) {
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit is a whole number from 1 to 500');
    const page = await client.listReviews({ limit });
    const rows = page.exams.map((e) => [
      e.examId,
      e.templateId,
      e.studentName ?? e.studentId,
      e.items,
      e.waitingSince.replace('T', ' ').slice(0, 19),
    ]);
    return {
      json: page,
      text: rows.length ? table(['exam', 'template', 'student', 'items', 'waiting since'], rows) : 'nothing waits for a teacher',
    };
  },

  async 'review show'({ client, args, values }) {
    const review = await client.getReview(args[0]!);
    const images: string[] = [];
    if (values.output) {
      await mkdir(values.output, { recursive: true });
      for (const item of review.items) {
        const file = path.join(values.output, `${item.itemId}.png`);
        await writeFile(file, await client.getReviewImage(review.examId, item.itemId));
        images.push(file);
      }
    }
    const rows = review.items.map((i) => [
      i.itemId,
      i.section ? `${i.section}·${i.number}` : i.number,
      i.type,
      i.points,
      i.reason,
      i.machineAnswer,
      `${Math.round(i.confidence * 100)}%`,
      i.decision ? (i.decision.answer ?? `${i.decision.awarded} pts`) : '',
    ]);
    const head = `exam ${review.examId} · ${review.status}${review.waiting && review.deadline ? ` · waits until ${review.deadline}` : ''}`;
    const saved = images.length ? `\nimages: ${images.join(', ')}` : '';
    return {
      json: { ...review, ...(images.length ? { images } : {}) },
      text: `${head}\n${table(['item', 'question', 'type', 'points', 'reason', 'machine read', 'conf.', 'decided'], rows)}${saved}`,
    };
  },

  async 'review decide'({ client, args, values }) {
    const decisions = args.slice(1).map(decisionArg);
    const status = await client.decide(args[0]!, decisions, values.teacher);
    const left = status.review ? `${status.review.items - status.review.decided} still to decide` : 'every item decided: the exam goes on';
    return { json: status, text: `exam ${status.examId} ${status.status} — ${left}` };
  },

  async correct({ client, args, values }) {
    // QUESTION=ANSWER or QUESTION:points=N; a question of a section as 二/3.
    const match = /^(?:([^/=:]{1,20})\/)?([1-9][0-9]{0,2})(:points)?=(.+)$/.exec(args[1] ?? '');
    if (!match) throw new UsageError('usage: examflow correct ID QUESTION=ANSWER | QUESTION:points=N (a question of a section as 二/3)');
    const awarded = match[3] ? Number(match[4]) : undefined;
    if (awarded !== undefined && !Number.isFinite(awarded)) throw new UsageError('points must be a number');
    const result = await client.correct(args[0]!, {
      number: match[2]!,
      section: match[1] ?? null,
      ...(awarded !== undefined ? { awarded } : { answer: match[4]! }),
      ...(values.teacher ? { teacher: values.teacher } : {}),
    });
    return { json: result, text: `exam ${result.examId} corrected — score ${result.score}/${result.fullScore}` };
  },
};
