import fs from 'node:fs';
import path from 'node:path';
import { createWorker, PSM, OEM, type Worker } from 'tesseract.js';
import type { OcrLine } from '../../domain/paper';
import type { TemplateLanguage } from '../../domain/template';
import { config } from '../../lib/config';
import { rereadWeakLines, type ReadLine } from './ocr-reread';
import { toPgm, type GreyImage } from '../preprocess/preprocess';
import { closePreprocessPool, preprocessInThread } from '../preprocess/preprocess-pool';
import { closePpocr, prewarmPpocrLines, readLinePpocr } from './ppocr';

// OCR with tesseract.js, fully offline: the wasm core comes from the installed
// tesseract.js-core package and the language data from @tesseract.js-data/*. Workers are
// expensive to start (seconds, ~100 MB each), so they live in a per-language pool that is
// created lazily and reused across pages and exams until terminateOcr().

export { BadInputError } from '../preprocess/preprocess';

export interface OcrResult {
  text: string;
  lines: OcrLine[];
  /** mean line confidence, 0–1 */
  confidence: number;
  /** the cleaned-up page the text was read from (upright, straightened, grey) */
  image?: GreyImage;
}

type TessLang = 'eng' | 'chi_sim';
const LANGS: Record<TemplateLanguage, TessLang[]> = { zh: ['chi_sim', 'eng'], en: ['eng'], 'zh+en': ['chi_sim', 'eng'] };

/**
 * `4.0.0_best_int` (LSTM only). The larger `4.0.0` data was measured on the accuracy
 * benchmark: lower character error rate on Han text, but more misread answer marks
 * (F as 『, 2.5 as 25), so fewer answers right, and ~25% slower.
 */
const MODEL = '4.0.0_best_int';
/**
 * The larger data reads doubtful short lines a second time (reading/ocr/ocr-reread.ts), cut
 * out of the page: there it settles characters the page model is unsure of. Never whole pages.
 */
const REREAD_MODEL = '4.0.0';
type Model = typeof MODEL | typeof REREAD_MODEL;

/**
 * tesseract.js takes a single langPath, but every language ships in its own package, so the
 * installed (gzipped) files of a model are linked into one folder per model under the
 * data dir. Nothing is downloaded; the decompressed cache is disabled (cacheMethod 'none').
 */
const langDirs = new Map<Model, string>();
function languageDir(model: Model): string {
  const known = langDirs.get(model);
  if (known) return known;
  const dir = path.join(config().EXAMFLOW_DATA_DIR, 'tessdata', model);
  fs.mkdirSync(dir, { recursive: true });
  for (const lang of ['eng', 'chi_sim'] as const) {
    const pkg = path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
    const source = path.join(pkg, model, `${lang}.traineddata.gz`);
    const target = path.join(dir, `${lang}.traineddata.gz`);
    if (fs.existsSync(target) && fs.realpathSync(target) === fs.realpathSync(source)) continue;
    fs.rmSync(target, { force: true });
    try {
      fs.symlinkSync(source, target);
    } catch {
      fs.copyFileSync(source, target); // file systems without symlinks
    }
  }
  langDirs.set(model, dir);
  return dir;
}

interface PooledWorker {
  worker: Worker;
  /** progress callback of the job the worker is running now */
  onProgress?: (fraction: number) => void;
  /** pages (or lines) it has read */
  jobs: number;
  /** its entry in its pool's `starting` */
  started?: Promise<PooledWorker>;
}

interface Pool {
  idle: PooledWorker[];
  waiting: ((w: PooledWorker) => void)[];
  starting: Promise<PooledWorker>[];
  size: number;
  langs: TessLang[];
  model: Model;
}

/**
 * A recogniser is replaced after this many reads: its WebAssembly heap grows to the largest
 * page it has read and never shrinks, so long-lived recognisers hold their peak for good.
 * Starting one costs ~1 s of CPU, under 1% of what it reads in its life.
 */
const RECYCLE_AFTER = 100;

const pools = new Map<string, Pool>();

async function startWorker(langs: TessLang[], model: Model): Promise<PooledWorker> {
  const pooled: PooledWorker = { worker: undefined as unknown as Worker, jobs: 0 };
  pooled.worker = await createWorker(langs.join('+'), OEM.LSTM_ONLY, {
    langPath: languageDir(model),
    workerPath: path.join(__dirname, 'ocr-thread.js'),
    gzip: true,
    cacheMethod: 'none',
    logger: (m: { status: string; progress: number }) => {
      if (m.status === 'recognizing text') pooled.onProgress?.(m.progress);
    },
  });
  await pooled.worker.setParameters({
    // The second-reading pool gets one cut-out line at a time.
    tessedit_pageseg_mode: model === REREAD_MODEL ? PSM.SINGLE_LINE : PSM.SINGLE_BLOCK,
    // Keeps real spaces in mixed Latin text; the spaces chi_sim puts between Han
    // characters are removed afterwards (joinCjk).
    preserve_interword_spaces: '1',
    user_defined_dpi: '150',
  });
  return pooled;
}

const poolKey = (langs: TessLang[], model: Model) => (model === MODEL ? langs.join('+') : `${langs.join('+')}@${model}`);

function poolFor(language: TemplateLanguage, model: Model): { pool: Pool; langs: TessLang[] } {
  const langs = LANGS[language];
  const key = poolKey(langs, model);
  let pool = pools.get(key);
  if (!pool) {
    // Second readings are a few short lines a page: one recogniser keeps up, and each holds ~150 MB.
    pool = { idle: [], waiting: [], starting: [], size: model === MODEL ? config().EXAMFLOW_OCR_WORKERS : 1, langs, model };
    pools.set(key, pool);
  }
  return { pool, langs };
}

async function acquire(language: TemplateLanguage, model: Model = MODEL): Promise<{ pool: Pool; pooled: PooledWorker }> {
  const { pool, langs } = poolFor(language, model);
  const idle = pool.idle.pop();
  if (idle) return { pool, pooled: idle };
  if (pool.starting.length < pool.size) return { pool, pooled: await addWorker(pool, langs, model) };
  return { pool, pooled: await new Promise<PooledWorker>((resolve) => pool.waiting.push(resolve)) };
}

/** One more recogniser in `pool`, counted while it starts; one that fails to start is forgotten. */
function addWorker(pool: Pool, langs: TessLang[], model: Model): Promise<PooledWorker> {
  const starting: Promise<PooledWorker> = startWorker(langs, model).then((pooled) => Object.assign(pooled, { started: starting }));
  pool.starting.push(starting);
  return starting.catch((err: unknown) => {
    pool.starting.splice(pool.starting.indexOf(starting), 1);
    throw err;
  });
}

/**
 * Starts every recogniser of every language pool now, at worker start, so the first
 * pages do not wait seconds each for a recogniser to load its model.
 */
export async function prewarmOcr(languages: TemplateLanguage[] = ['zh', 'en']): Promise<void> {
  const warming: Promise<unknown>[] = [];
  const ppocrLines = config().EXAMFLOW_OCR_LINE_READER === 'ppocr';
  if (ppocrLines) warming.push(prewarmPpocrLines());
  const models: Model[] = ppocrLines ? [MODEL] : [MODEL, REREAD_MODEL];
  for (const model of models)
    for (const language of languages) {
      const { pool, langs } = poolFor(language, model);
      while (pool.starting.length < pool.size) warming.push(addWorker(pool, langs, model).then((pooled) => release(pool, pooled)));
    }
  await Promise.all(warming);
}

function release(pool: Pool, pooled: PooledWorker): void {
  pooled.onProgress = undefined;
  if (++pooled.jobs >= RECYCLE_AFTER && pooled.started && pools.get(poolKey(pool.langs, pool.model)) === pool) return retire(pool, pooled);
  const next = pool.waiting.shift();
  if (next) next(pooled);
  else pool.idle.push(pooled);
}

/** Ends a recogniser that has read RECYCLE_AFTER pages; a page waiting for one gets a fresh one. */
function retire(pool: Pool, pooled: PooledWorker): void {
  pool.starting.splice(pool.starting.indexOf(pooled.started!), 1);
  void pooled.worker.terminate().catch(() => undefined);
  const next = pool.waiting.shift();
  if (next) addWorker(pool, pool.langs, pool.model).then(next, () => pool.waiting.unshift(next));
}

const CJK = '\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uff00-\\uffef';
const CJK_GAP = new RegExp(`(?<=[${CJK}])[ \\t]+(?=[${CJK}])`, 'g');

/** chi_sim separates Han characters with spaces ("下 列 各 数"); Chinese has none. */
export function joinCjk(line: string): string {
  return line.replace(CJK_GAP, '').replace(/[ \t]+/g, ' ').trim();
}

/**
 * Reads one page. `pageNumber` (1-based) only makes error messages specific.
 * The image is cleaned up first (reading/preprocess/preprocess.ts). Text lines have CJK spaces
 * removed; full-width characters are left to the parser.
 */
export function recognizePage(
  image: Buffer,
  language: TemplateLanguage,
  onProgress?: (fraction: number) => void,
  pageNumber?: number,
  options: { preprocess?: boolean } = {},
): Promise<OcrResult> {
  // Tracked so terminateOcr() can let a page whose activity was cancelled finish first:
  // terminating under it, or after it re-created a pool, would leave a thread behind.
  const job = readPage(image, language, onProgress, pageNumber, options);
  inFlight.add(job);
  void job.catch(() => undefined).finally(() => inFlight.delete(job));
  return job;
}

const inFlight = new Set<Promise<OcrResult>>();

async function readPage(
  image: Buffer,
  language: TemplateLanguage,
  onProgress: ((fraction: number) => void) | undefined,
  pageNumber: number | undefined,
  options: { preprocess?: boolean },
): Promise<OcrResult> {
  const what = pageNumber ? `page ${pageNumber}` : 'the page';
  // preprocess: false is the bare recogniser (upright, grey), the accuracy benchmark's baseline.
  const grey = await preprocessInThread(image, what, options.preprocess === false);
  const { pool, pooled } = await acquire(language);
  pooled.onProgress = onProgress;
  let read: ReadLine[];
  try {
    const { data } = await pooled.worker.recognize(toPgm(grey), {}, { text: true, blocks: true });
    read = (data.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines));
  } finally {
    release(pool, pooled);
  }
  // The bare recogniser (benchmark baseline) reads each page once.
  if (options.preprocess !== false) read = await rereadWeakLines(grey, read, (crop) => readLine(crop, language));
  const lines: OcrLine[] = [];
  for (const line of read) {
    const text = joinCjk(line.text);
    if (text) lines.push({ text, confidence: clamp01(line.confidence / 100) });
  }
  const confidence = lines.length ? lines.reduce((s, l) => s + l.confidence, 0) / lines.length : 0;
  onProgress?.(1);
  return { text: lines.map((l) => l.text).join('\n'), lines, confidence, image: grey };
}

/**
 * The text in one answer box cut out of an answer sheet (already upright and grey-levelled
 * by the reading engine): a fill box is one line, read by the second-reading model in
 * single-line mode; an open box is a block, read like a page without the page clean-up.
 */
export async function recognizeBox(crop: Buffer, language: TemplateLanguage, kind: 'line' | 'block'): Promise<{ text: string; confidence: number }> {
  if (kind === 'block') {
    const read = await recognizePage(crop, language, undefined, undefined, { preprocess: false });
    return { text: read.text, confidence: read.confidence };
  }
  const line = await readLine(crop, language);
  return { text: joinCjk(line.text), confidence: clamp01(line.confidence / 100) };
}

/**
 * One cut-out line: by PP-OCRv4 (reading/ocr/ppocr.ts; both languages in one model) or through
 * the second-reading pool (REREAD_MODEL, single-line mode), as EXAMFLOW_OCR_LINE_READER says.
 * Confidence 0–100, as tesseract gives it.
 */
async function readLine(crop: Buffer, language: TemplateLanguage): Promise<{ text: string; confidence: number }> {
  if (config().EXAMFLOW_OCR_LINE_READER === 'ppocr') {
    const read = await readLinePpocr(crop);
    return { text: read.text.trim(), confidence: read.confidence * 100 };
  }
  const { pool, pooled } = await acquire(language, REREAD_MODEL);
  try {
    const { data } = await pooled.worker.recognize(crop, {}, { text: true, blocks: true });
    const lines = (data.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines));
    const text = lines.map((l) => l.text.trim()).filter(Boolean).join(' ');
    const confidence = lines.length ? lines.reduce((s, l) => s + l.confidence, 0) / lines.length : 0;
    return { text, confidence };
  } finally {
    release(pool, pooled);
  }
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

/**
 * Stops every OCR worker thread; without it the process does not exit. Pages still being
 * read (their activity was cancelled) may finish first, for up to 30 s. Safe to call twice.
 */
export async function terminateOcr(): Promise<void> {
  await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 30_000).unref())]);
  const all = [...pools.values()];
  pools.clear();
  await closePreprocessPool();
  await closePpocr();
  await Promise.allSettled(
    all.flatMap((pool) => pool.starting.map((s) => s.then((w) => w.worker.terminate()))),
  );
}
