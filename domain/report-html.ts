import type { AnswerFlag, GradedQuestion, KnowledgePointMastery, ResultDocument } from './documents';
import { STRONG_FROM, WEAK_BELOW, formatScore, percentOf } from './diagnose';
import { questionTypeLabel } from './grade';
import { normalizeTrueFalse } from './normalize';
import { questionKey } from './template';

// The report a teacher hands to a parent: one self-contained HTML document (inline CSS and
// SVG, no scripts, no network) laid out for A4, printed to PDF by lib/documents/report-pdf.ts.

/** Rows read with less confidence than this are flagged for a teacher to check. */
const REVIEW_BELOW = 0.8;

type Lang = 'zh' | 'en';

const labels = {
  zh: {
    report: '学情报告',
    name: '姓名',
    class: '班级',
    id: '学号',
    score: '分',
    questions: '逐题详情',
    number: '题号',
    type: '题型',
    answer: '学生答案',
    key: '正确答案',
    points: '得分',
    confidence: '识别置信度',
    result: '结果',
    review: '请老师复核',
    notFound: '未识别',
    blank: '（未作答）',
    mastery: '知识点掌握情况',
    diagnosis: '诊断与建议',
    weak: '需要加强',
    strengths: '掌握较好',
    recommendations: '学习建议',
    none: '无',
    legend: `黄色底色的行识别置信度低于 ${REVIEW_BELOW * 100}%、答案未能识别或填涂有异常（多涂、擦除等），请老师核对原卷。`,
    chartLegend: [`掌握度低于 ${WEAK_BELOW * 100}%`, `${WEAK_BELOW * 100}%–${STRONG_FROM * 100}%`, `${STRONG_FROM * 100}% 及以上`],
    exam: '考试编号',
    template: '试卷模板',
    gradedAt: '批改时间',
    footnote: '本报告由 examflow 自动批改生成，标记为“请老师复核”的题目以老师核对结果为准。',
    correctOf: (c: number, n: number) => `答对 ${c} / ${n} 题`,
    toReview: (n: number) => `${n} 题待复核`,
    levels: ['满分', '优秀', '良好', '及格', '需加强'],
    T: '对',
    F: '错',
    byDifficulty: '各难度得分',
    difficulty: { easy: '容易', medium: '中等', hard: '较难', unspecified: '未标注' } as Record<string, string>,
    source: { rules: '诊断方式：规则分析', llm: '诊断方式：AI 大模型分析' },
    degraded: '注意：AI 分析服务本次未能完成，部分内容（知识点标注、解答题评分或诊断建议）改由内置规则生成，请老师留意。',
    aiGraded: 'AI 评分',
    flags: { double: '多涂', erased: '有擦除', stray: '有杂痕', faint: '填涂过浅', low_confidence: '识别存疑' } as Record<
      AnswerFlag,
      string
    >,
    answerImage: '作答原图',
    decided: '老师已复核',
    unreviewed: '未经老师复核',
    corrected: '老师已更正',
    unreviewedNote: '本试卷等待老师复核超时：标记为“未经老师复核”的题目按机器识别结果计分。',
  },
  en: {
    report: 'Learning report',
    name: 'Name',
    class: 'Class',
    id: 'Student No.',
    score: 'points',
    questions: 'Question by question',
    number: 'No.',
    type: 'Type',
    answer: 'Student answer',
    key: 'Correct answer',
    points: 'Points',
    confidence: 'OCR confidence',
    result: 'Result',
    review: 'please check',
    notFound: 'not found',
    blank: '(blank)',
    mastery: 'Knowledge-point mastery',
    diagnosis: 'Diagnosis and advice',
    weak: 'To work on',
    strengths: 'Strengths',
    recommendations: 'Recommendations',
    none: 'none',
    legend: `Highlighted rows were read with less than ${REVIEW_BELOW * 100}% confidence, could not be found, or have odd marks (double, erased…): a teacher should check them against the paper.`,
    chartLegend: [`mastery below ${WEAK_BELOW * 100}%`, `${WEAK_BELOW * 100}–${STRONG_FROM * 100}%`, `${STRONG_FROM * 100}% or more`],
    exam: 'Exam',
    template: 'Template',
    gradedAt: 'Graded at',
    footnote: 'Graded automatically by examflow; for questions marked "please check", the teacher\'s reading of the paper prevails.',
    correctOf: (c: number, n: number) => `${c} of ${n} correct`,
    toReview: (n: number) => `${n} to check`,
    levels: ['Full marks', 'Excellent', 'Good', 'Pass', 'Needs work'],
    T: 'True',
    F: 'False',
    byDifficulty: 'Score by difficulty',
    difficulty: { easy: 'Easy', medium: 'Medium', hard: 'Hard', unspecified: 'Not rated' } as Record<string, string>,
    source: { rules: 'Diagnosis: rule-based analysis', llm: 'Diagnosis: AI language-model analysis' },
    degraded:
      'Note: the AI analysis did not complete this time, so part of this report (knowledge-point tagging, open-question grading or the advice) comes from the built-in rules.',
    aiGraded: 'AI-graded',
    flags: {
      double: 'double mark',
      erased: 'erased mark',
      stray: 'stray mark',
      faint: 'faint mark',
      low_confidence: 'unsure reading',
    } as Record<AnswerFlag, string>,
    answerImage: 'the answer as written',
    decided: 'checked by the teacher',
    unreviewed: 'not reviewed',
    corrected: 'corrected by the teacher',
    unreviewedNote: 'No teacher reviewed this exam in time: questions marked "not reviewed" are scored by the machine\'s reading.',
  },
};
type Labels = (typeof labels)['zh'];

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function level(pct: number, l: Labels): string {
  return l.levels[pct >= 100 ? 0 : pct >= 90 ? 1 : pct >= 75 ? 2 : pct >= 60 ? 3 : 4]!;
}

function masteryColor(mastery: number): string {
  return mastery < WEAK_BELOW ? '#d64545' : mastery < STRONG_FROM ? '#e5a100' : '#2e9d5b';
}

// Marks drawn as SVG rather than ✓/✗ glyphs, so they never depend on which fonts are installed.
const marks = {
  right:
    '<svg class="mark" viewBox="0 0 16 16" role="img" aria-label="✓"><path d="M3 8.5l3.2 3.2L13 4.8" fill="none" stroke="#2e9d5b" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  wrong:
    '<svg class="mark" viewBox="0 0 16 16" role="img" aria-label="✗"><path d="M4 4l8 8M12 4l-8 8" fill="none" stroke="#d64545" stroke-width="2.2" stroke-linecap="round"/></svg>',
  partial:
    '<svg class="mark" viewBox="0 0 16 16" role="img" aria-label="½"><path d="M8 2.5L14 13H2z" fill="none" stroke="#e5a100" stroke-width="2" stroke-linejoin="round"/></svg>',
  unknown:
    '<svg class="mark" viewBox="0 0 16 16" role="img" aria-label="?"><circle cx="8" cy="8" r="5.5" fill="none" stroke="#8a8f98" stroke-width="2" stroke-dasharray="2.5 2"/></svg>',
};

function displayAnswer(q: GradedQuestion, answer: string, l: Labels): string {
  if (q.type !== 'truefalse') return answer;
  const tf = normalizeTrueFalse(answer);
  return tf ? l[tf] : answer;
}

/** A row a teacher should check: not found, read with doubt, or with something odd about its marks. */
function needsReview(q: GradedQuestion): boolean {
  if (q.review?.status === 'decided') return false; // a teacher has looked at it
  return q.missing || q.confidence < REVIEW_BELOW || (q.flags?.length ?? 0) > 0;
}

/** "二·3" for a question of section 二; the number alone without sections. */
function displayNumber(q: GradedQuestion): string {
  return q.section ? `${q.section}·${q.number}` : q.number;
}

/** Images of answers as written (answer-sheet boxes), as data: URLs keyed by section + number. */
export type AnswerImages = Record<string, string>;

function questionRow(q: GradedQuestion, lang: Lang, l: Labels, images: AnswerImages): string {
  const review = needsReview(q);
  const student = q.missing
    ? `<span class="muted">${l.notFound}</span>`
    : q.studentAnswer === null
      ? `<span class="muted">${l.blank}</span>`
      : escapeHtml(clip(displayAnswer(q, q.studentAnswer, l), 300));
  const feedback = q.feedback ? `<div class="small muted">${escapeHtml(clip(q.feedback, 200))}</div>` : '';
  const reviewBadge = q.review
    ? [
        `<span class="badge ${q.review.status === 'decided' ? '' : 'flagged'}">${q.review.status === 'decided' ? l.decided : l.unreviewed}</span>`,
      ]
    : [];
  const flags = [...(q.flags ?? []).map((f) => `<span class="badge flagged">${l.flags[f]}</span>`), ...reviewBadge].join(' ');
  const image = images[questionKey(q)];
  const written =
    image && /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]+$/.test(image)
      ? `<img class="written" alt="${l.answerImage}" src="${image}">`
      : '';
  // Tags under the type, so a parent sees what each question tested and how hard it was.
  const tags = [...q.knowledgePoints, ...(q.difficulty ? [l.difficulty[q.difficulty] ?? q.difficulty] : [])].map(escapeHtml).join(' · ');
  const ai = q.gradedBy === 'llm' ? `<div class="badge">${l.aiGraded}</div>` : '';
  const mark = q.missing ? marks.unknown : q.correct ? marks.right : q.awarded > 0 ? marks.partial : marks.wrong;
  return `<tr class="${review ? 'review' : ''}">
<td class="num">${escapeHtml(displayNumber(q))}</td>
<td>${escapeHtml(questionTypeLabel(q.type, lang))}<div class="small muted">${tags}</div>${ai}</td>
<td class="answer">${student}${flags ? `<div>${flags}</div>` : ''}${written}${feedback}</td>
<td class="answer">${escapeHtml(clip(displayAnswer(q, q.correctAnswer, l), 300))}</td>
<td class="pts">${formatScore(q.awarded)} / ${formatScore(q.points)}</td>
<td class="pts">${q.missing ? '—' : `${Math.round(q.confidence * 100)}%`}${review ? `<div class="flag">${l.review}</div>` : ''}</td>
<td class="mark-cell">${mark}</td>
</tr>`;
}

// Rough rendered width at 12px, so long knowledge-point names can be clipped to the label column.
function clipToWidth(s: string, px: number): string {
  let width = 0;
  let out = '';
  for (const ch of s) {
    // eslint-disable-next-line no-control-regex -- Latin (from U+0000) is narrow, the rest is CJK-wide
    width += /[\u0000-\u024f]/.test(ch) ? 6.8 : 12;
    if (width > px) return `${out}…`;
    out += ch;
  }
  return out;
}

function masteryChart(points: Pick<KnowledgePointMastery, 'name' | 'mastery' | 'awarded' | 'points'>[]): string {
  const labelW = 170;
  const barW = 430;
  const rowH = 24;
  const top = 18;
  const height = top + points.length * rowH + 6;
  const x = (m: number) => labelW + m * barW;
  const rows = points
    .map((k, i) => {
      const y = top + i * rowH;
      const w = Math.max(k.mastery * barW, k.mastery > 0 ? 2 : 0);
      return `<g><title>${escapeHtml(k.name)}</title>
<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" class="kp">${escapeHtml(clipToWidth(k.name, labelW - 12))}</text>
<rect x="${labelW}" y="${y + 4}" width="${barW}" height="14" rx="3" fill="#eef0f3"/>
<rect x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="14" rx="3" fill="${masteryColor(k.mastery)}"/>
<text x="${x(1) + 8}" y="${y + 15}" class="val">${Math.round(k.mastery * 100)}%  (${formatScore(k.awarded)}/${formatScore(k.points)})</text></g>`;
    })
    .join('\n');
  const guide = (m: number) =>
    `<line x1="${x(m)}" y1="${top - 2}" x2="${x(m)}" y2="${height - 4}" stroke="#9aa1ab" stroke-width="0.8" stroke-dasharray="3 3"/><text x="${x(m)}" y="${top - 6}" text-anchor="middle" class="axis">${m * 100}%</text>`;
  return `<svg class="chart" viewBox="0 0 ${labelW + barW + 110} ${height}" width="100%" role="img">
${rows}
${guide(WEAK_BELOW)}${guide(STRONG_FROM)}
</svg>`;
}

/** The difficulty breakdown as the same bar chart: score rate per difficulty. */
function difficultyChart(rows: ResultDocument['byDifficulty'], l: Labels): string {
  const bars = rows.map((d) => ({
    name: l.difficulty[d.difficulty] ?? d.difficulty,
    awarded: d.awarded,
    points: d.points,
    mastery: d.points > 0 ? d.awarded / d.points : 0,
  }));
  return masteryChart(bars);
}

function list(items: string[], l: Labels, ordered = false): string {
  if (!items.length) return `<p class="muted">${l.none}</p>`;
  const tag = ordered ? 'ol' : 'ul';
  return `<${tag}>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</${tag}>`;
}

/** "2024-05-01T06:30:00.000Z" → "2024-05-01 06:30 UTC" (pure: no local time zone involved). */
function formatTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

const css = `
@page { size: A4; margin: 14mm 13mm 16mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 10.5pt; color: #1f2933; line-height: 1.5; }
header { display: flex; justify-content: space-between; align-items: flex-start; border-bottom: 3px solid #2f5d8a; padding-bottom: 8px; }
h1 { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 19pt; margin: 0; color: #173a5e; }
/* English reports in Latin fonts: Chromium embeds far smaller font subsets, so printing is faster. */
html[lang="en"] body { font-family: "Liberation Sans", "DejaVu Sans", "Noto Sans CJK SC", sans-serif; }
html[lang="en"] h1 { font-family: "Liberation Serif", "DejaVu Serif", "Noto Serif CJK SC", serif; }
.subtitle { color: #52606d; font-size: 10pt; margin-top: 2px; }
.student { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin: 12px 0; }
.student div { background: #f4f6f9; border-radius: 6px; padding: 6px 10px; }
.student span { display: block; font-size: 8.5pt; color: #616e7c; }
.student b { font-size: 11.5pt; }
.scorecard { display: flex; align-items: center; gap: 18px; border: 1px solid #d9e2ec; border-radius: 10px; padding: 10px 16px; break-inside: avoid; }
.scorecard .big { font-size: 30pt; font-weight: 700; color: #173a5e; line-height: 1; }
.scorecard .big small { font-size: 14pt; color: #52606d; font-weight: 400; }
.scorecard .line { font-size: 11pt; margin-top: 6px; }
.level { display: inline-block; background: #2f5d8a; color: #fff; border-radius: 4px; padding: 0 8px; margin-right: 6px; }
h2 { font-size: 13pt; color: #173a5e; border-left: 4px solid #2f5d8a; padding-left: 8px; margin: 18px 0 8px; break-after: avoid; }
table { width: 100%; border-collapse: collapse; font-size: 9.5pt; }
thead { display: table-header-group; }
th { background: #2f5d8a; color: #fff; font-weight: 500; padding: 5px 6px; text-align: left; }
td { border-bottom: 1px solid #e4e7eb; padding: 4px 6px; vertical-align: top; }
tr { break-inside: avoid; page-break-inside: avoid; }
tr.review td { background: #fff4d6; }
td.num, td.pts, td.mark-cell { text-align: center; white-space: nowrap; }
td.answer { word-break: break-word; overflow-wrap: anywhere; max-width: 60mm; }
.mark { width: 15px; height: 15px; vertical-align: middle; }
.flag { font-size: 8pt; color: #b45309; font-weight: 700; }
.muted { color: #8a8f98; }
.note { font-size: 8.5pt; color: #616e7c; margin: 4px 0 0; }
.legend span { margin-right: 16px; white-space: nowrap; }
.legend i { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.chart { display: block; break-inside: avoid; }
.chart text { font-family: "Noto Sans CJK SC", sans-serif; font-size: 12px; fill: #1f2933; }
.chart .val { fill: #52606d; font-size: 11px; }
.chart .axis { fill: #8a8f98; font-size: 10px; }
.small { font-size: 8pt; line-height: 1.35; }
.badge.flagged { color: #b45309; border-color: #b45309; }
img.written { display: block; max-width: 58mm; max-height: 30mm; margin-top: 3px; border: 1px solid #d9e2ec; }
.badge { display: inline-block; font-size: 7.5pt; color: #2f5d8a; border: 1px solid #2f5d8a; border-radius: 3px; padding: 0 4px; margin-top: 2px; }
.source { font-size: 8.5pt; color: #616e7c; margin: 0 0 6px; }
.degraded { background: #fff4d6; border-left: 4px solid #e5a100; border-radius: 4px; padding: 6px 10px; margin: 0 0 10px; font-size: 9pt; break-inside: avoid; }
.summary { background: #f4f6f9; border-radius: 8px; padding: 10px 14px; margin: 0 0 10px; break-inside: avoid; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; break-inside: avoid; }
.columns h3, h3 { font-size: 11pt; margin: 4px 0; }
.weak h3 { color: #b42318; } .strong h3 { color: #1e7b45; }
ul, ol { margin: 2px 0 6px; padding-left: 20px; } li { margin: 2px 0; break-inside: avoid; }
footer { margin-top: 18px; border-top: 1px solid #d9e2ec; padding-top: 6px; font-size: 8pt; color: #616e7c; break-inside: avoid; }
`;

/** The complete, self-contained HTML report for one graded exam. */
export function renderReportHtml(result: ResultDocument, images: AnswerImages = {}): string {
  const lang: Lang = result.language === 'en' ? 'en' : 'zh';
  const l = labels[lang];
  const pct = percentOf(result.score, result.fullScore);
  const correct = result.questions.filter((q) => q.correct).length;
  const toReview = result.questions.filter(needsReview).length;
  const oneLine = [l.correctOf(correct, result.questions.length), ...(toReview ? [l.toReview(toReview)] : [])].join(' · ');
  const who = (v: string | null) => (v ? escapeHtml(v) : '—');
  const ring = 2 * Math.PI * 30;
  const d = result.diagnosis;
  return `<!DOCTYPE html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`${result.title} · ${l.report}`)}</title>
<style>${css}</style>
</head>
<body>
<header>
  <div><h1>${escapeHtml(result.title)}</h1><div class="subtitle">${escapeHtml(result.subject)} · ${l.report}</div></div>
</header>
<section class="student">
  <div><span>${l.name}</span><b>${who(result.student.name)}</b></div>
  <div><span>${l.class}</span><b>${who(result.student.class)}</b></div>
  <div><span>${l.id}</span><b>${who(result.student.id)}</b></div>
</section>
<section class="scorecard">
  <svg width="78" height="78" viewBox="0 0 78 78" role="img" aria-label="${pct}%">
    <circle cx="39" cy="39" r="30" fill="none" stroke="#e4e7eb" stroke-width="9"/>
    <circle cx="39" cy="39" r="30" fill="none" stroke="${masteryColor(pct / 100)}" stroke-width="9" stroke-linecap="round"
      stroke-dasharray="${((ring * pct) / 100).toFixed(1)} ${ring.toFixed(1)}" transform="rotate(-90 39 39)"/>
    <text x="39" y="44" text-anchor="middle" font-size="15" font-weight="700" fill="#173a5e" font-family="Noto Sans CJK SC, sans-serif">${pct}%</text>
  </svg>
  <div>
    <div class="big">${formatScore(result.score)} <small>/ ${formatScore(result.fullScore)} ${l.score}</small></div>
    <div class="line"><span class="level">${level(pct, l)}</span>${escapeHtml(oneLine)}</div>
  </div>
</section>

<h2>${l.questions}</h2>
<table>
<thead><tr><th>${l.number}</th><th>${l.type}</th><th>${l.answer}</th><th>${l.key}</th><th>${l.points}</th><th>${l.confidence}</th><th>${l.result}</th></tr></thead>
<tbody>
${result.questions.map((q) => questionRow(q, lang, l, images)).join('\n')}
</tbody>
</table>
${toReview ? `<p class="note">${l.legend}</p>` : ''}
${result.review?.status === 'unreviewed' ? `<p class="note">${l.unreviewedNote}</p>` : ''}
${(result.corrections ?? []).map((c) => `<p class="note">${l.corrected}: ${escapeHtml(c.section ? `${c.section}·${c.number}` : c.number)} ${escapeHtml(c.before.answer ?? '—')} (${formatScore(c.before.awarded)}) → ${escapeHtml(c.after.answer ?? '—')} (${formatScore(c.after.awarded)}) · ${escapeHtml(formatTime(c.at))}</p>`).join('\n')}

<h2>${l.mastery}</h2>
${masteryChart(result.knowledgePoints)}
<p class="note legend">${[0, WEAK_BELOW, STRONG_FROM].map((m, i) => `<span><i style="background:${masteryColor(m)}"></i>${l.chartLegend[i]}</span>`).join('')}</p>

${
  result.byDifficulty.length
    ? `<h2>${l.byDifficulty}</h2>
${difficultyChart(result.byDifficulty, l)}`
    : ''
}

<h2>${l.diagnosis}</h2>
<p class="source">${l.source[d.source]}</p>
${d.degraded ? `<p class="degraded">${l.degraded}</p>` : ''}
<p class="summary">${escapeHtml(d.summary)}</p>
<div class="columns">
  <div class="weak"><h3>${l.weak}</h3>${list(d.weakPoints, l)}</div>
  <div class="strong"><h3>${l.strengths}</h3>${list(d.strengths, l)}</div>
</div>
${d.recommendations.length ? `<h3>${l.recommendations}</h3>${list(d.recommendations, l, true)}` : ''}

<footer>
  ${l.exam}: ${escapeHtml(result.examId)} · ${l.template}: ${escapeHtml(result.templateId)} · ${l.gradedAt}: ${escapeHtml(formatTime(result.gradedAt))}<br>
  ${l.footnote}
</footer>
</body>
</html>
`;
}
