import fs from 'node:fs';
import path from 'node:path';
import { createWorker, PSM, OEM, type Worker } from 'tesseract.js';
import type { OcrLine } from '../../domain/paper';
import type { TemplateLanguage } from '../../domain/template';
import { rereadWeakLines, type ReadLine } from './ocr-reread';
import { toPgm, uprightPage, type GreyImage } from '../preprocess/preprocess';
import { PreprocessPool } from '../preprocess/preprocess-pool';
import { joinCjk } from '../../domain/cjk';
import { closePpocr, prewarmPpocrLines, readLinePpocr } from './ppocr';

// OCR with tesseract.js, fully offline: the wasm core comes from the installed
// tesseract.js-core package and the language data from @tesseract.js-data/*. Recognisers are
// expensive to start (seconds, ~100 MB each), so an engine keeps them in per-language pools,
// created lazily and reused across pages and exams until terminate().

export interface OcrEngineOptions {
  /** recognisers per language (and page clean-up threads) */
  workers: number;
  /** the language data of each model is linked into a folder under here */
  dataDir: string;
  /** who reads cut-out lines (answer boxes, second readings): PP-OCRv4 or tesseract's larger model */
  lineReader?: 'ppocr' | 'tesseract';
}

export interface OcrResult {
  text: string;
  lines: OcrLine[];
  /** mean line confidence, 0–1 */
  confidence: number;
  /** the cleaned-up page the text was read from (upright, straightened, grey) */
  image?: GreyImage;
  /** every line's text and box on that page (answer-table section headings are found by place) */
  placed?: PlacedLine[];
}

export interface PlacedLine {
  text: string;
  box: { x0: number; y0: number; x1: number; y1: number };
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
function linkLanguageData(dataDir: string, model: Model): string {
  const dir = path.join(dataDir, 'tessdata', model);
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
  /** the folder its model's language data is linked into */
  langPath: string;
  /** set when the engine terminates: its recognisers are not replaced any more */
  closed?: boolean;
}

/**
 * A recogniser is replaced after this many reads: its WebAssembly heap grows to the largest
 * page it has read and never shrinks, so long-lived recognisers hold their peak for good.
 * Starting one costs ~1 s of CPU, under 1% of what it reads in its life.
 */
const RECYCLE_AFTER = 100;

async function startWorker(langs: TessLang[], model: Model, langPath: string): Promise<PooledWorker> {
  const pooled: PooledWorker = { worker: undefined as unknown as Worker, jobs: 0 };
  pooled.worker = await createWorker(langs.join('+'), OEM.LSTM_ONLY, {
    langPath,
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

/** One more recogniser in `pool`, counted while it starts; one that fails to start is forgotten. */
function addWorker(pool: Pool): Promise<PooledWorker> {
  const starting: Promise<PooledWorker> = startWorker(pool.langs, pool.model, pool.langPath).then((pooled) =>
    Object.assign(pooled, { started: starting }),
  );
  pool.starting.push(starting);
  return starting.catch((err: unknown) => {
    pool.starting = pool.starting.filter((s) => s !== starting);
    throw err;
  });
}

function release(pool: Pool, pooled: PooledWorker): void {
  pooled.onProgress = undefined;
  if (++pooled.jobs >= RECYCLE_AFTER && pooled.started && !pool.closed) return retire(pool, pooled);
  const next = pool.waiting.shift();
  if (next) next(pooled);
  else pool.idle.push(pooled);
}

/** Ends a recogniser that has read RECYCLE_AFTER pages; a page waiting for one gets a fresh one. */
function retire(pool: Pool, pooled: PooledWorker): void {
  pool.starting = pool.starting.filter((s) => s !== pooled.started);
  void pooled.worker.terminate().catch(() => undefined);
  const next = pool.waiting.shift();
  if (next) addWorker(pool).then(next, () => pool.waiting.unshift(next));
}

type Recognised = Awaited<ReturnType<Worker['recognize']>>['data'];
const linesOf = (data: Recognised) => (data.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines));

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

/** Recognised lines as stored: CJK gaps removed, empty lines dropped, confidence 0–1. */
function pageText(read: ReadLine[]): Omit<OcrResult, 'image'> {
  const lines: OcrLine[] = [];
  const placed: PlacedLine[] = [];
  for (const line of read) {
    const text = joinCjk(line.text);
    if (text) lines.push({ text, confidence: clamp01(line.confidence / 100) });
    if (text) placed.push({ text, box: line.bbox });
  }
  const confidence = lines.length ? lines.reduce((s, l) => s + l.confidence, 0) / lines.length : 0;
  return { text: lines.map((l) => l.text).join('\n'), lines, confidence, placed };
}

/** The recognisers of one process: pages, answer boxes and second readings of doubtful lines. */
export class OcrEngine {
  private readonly pools = new Map<string, Pool>();
  private readonly langDirs = new Map<Model, string>();
  // Tracked so terminate() can let a page whose activity was cancelled finish first:
  // terminating under it, or after it re-created a pool, would leave a thread behind.
  private readonly inFlight = new Set<Promise<unknown>>();
  private preprocess: PreprocessPool;

  constructor(private readonly options: OcrEngineOptions) {
    this.preprocess = new PreprocessPool(options.workers);
  }

  /**
   * Reads one page. `pageNumber` (1-based) only makes error messages specific.
   * The image is cleaned up first (reading/preprocess/preprocess.ts). Text lines have CJK spaces
   * removed; full-width characters are left to the parser.
   */
  recognizePage(
    image: Buffer,
    language: TemplateLanguage,
    onProgress?: (fraction: number) => void,
    pageNumber?: number,
  ): Promise<OcrResult> {
    return this.track(this.readPage(image, language, onProgress, pageNumber));
  }

  /**
   * The text in one answer box cut out of an answer sheet (already upright and grey-levelled
   * by the reading engine): a fill box is one line, read by the second-reading model in
   * single-line mode; an open box is a block, read like a page without the page clean-up.
   */
  async recognizeBox(crop: Buffer, language: TemplateLanguage, kind: 'line' | 'block'): Promise<{ text: string; confidence: number }> {
    if (kind === 'line') {
      const line = await this.track(this.readLine(crop, language));
      return { text: joinCjk(line.text), confidence: clamp01(line.confidence / 100) };
    }
    const { text, confidence } = pageText(await this.track(this.recognize(await uprightPage(crop, 'the page'), language)));
    return { text, confidence };
  }

  /**
   * Starts every recogniser of every language pool now, at worker start, so the first
   * pages do not wait seconds each for a recogniser to load its model.
   */
  async prewarm(languages: TemplateLanguage[] = ['zh', 'en']): Promise<void> {
    const warming: Promise<unknown>[] = [];
    const ppocrLines = this.options.lineReader === 'ppocr';
    if (ppocrLines) warming.push(prewarmPpocrLines());
    const models: Model[] = ppocrLines ? [MODEL] : [MODEL, REREAD_MODEL];
    for (const model of models)
      for (const language of languages) {
        const { pool } = this.poolFor(language, model);
        while (pool.starting.length < pool.size) warming.push(addWorker(pool).then((pooled) => release(pool, pooled)));
      }
    await Promise.all(warming);
  }

  /**
   * Stops every recogniser thread; without it the process does not exit. Pages still being
   * read (their activity was cancelled) may finish first, for up to 30 s. Safe to call twice.
   */
  async terminate(): Promise<void> {
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 30_000).unref())]);
    const all = [...this.pools.values()];
    this.pools.clear();
    for (const pool of all) pool.closed = true;
    await closePpocr();
    const preprocess = this.preprocess;
    this.preprocess = new PreprocessPool(this.options.workers); // threads start only when used
    await preprocess.close();
    await Promise.allSettled(all.flatMap((pool) => pool.starting.map((s) => s.then((w) => w.worker.terminate()))));
  }

  private track<T>(job: Promise<T>): Promise<T> {
    this.inFlight.add(job);
    void job.catch(() => undefined).finally(() => this.inFlight.delete(job));
    return job;
  }

  private async readPage(
    image: Buffer,
    language: TemplateLanguage,
    onProgress: ((f: number) => void) | undefined,
    pageNumber: number | undefined,
  ): Promise<OcrResult> {
    const grey = await this.preprocess.run(image, pageNumber ? `page ${pageNumber}` : 'the page');
    const read = await this.rereadWeakLines(grey, await this.recognize(grey, language, onProgress), language);
    onProgress?.(1);
    return { ...pageText(read), image: grey };
  }

  private rereadWeakLines(grey: GreyImage, read: ReadLine[], language: TemplateLanguage): Promise<ReadLine[]> {
    return rereadWeakLines(grey, read, (crop) => this.readLine(crop, language));
  }

  /** One grey image through the page pool (MODEL, single-block mode). */
  private async recognize(grey: GreyImage, language: TemplateLanguage, onProgress?: (fraction: number) => void): Promise<ReadLine[]> {
    const { pool, pooled } = await this.acquire(language);
    pooled.onProgress = onProgress;
    try {
      const { data } = await pooled.worker.recognize(toPgm(grey), {}, { text: true, blocks: true });
      return linesOf(data);
    } finally {
      release(pool, pooled);
    }
  }

  /**
   * One cut-out line: by PP-OCRv4 (reading/ocr/ppocr.ts; both languages in one model) or through
   * the second-reading pool (REREAD_MODEL, single-line mode), as the engine's lineReader says.
   * Confidence 0–100, as tesseract gives it.
   */
  private async readLine(crop: Buffer, language: TemplateLanguage): Promise<{ text: string; confidence: number }> {
    if (this.options.lineReader === 'ppocr') {
      const read = await readLinePpocr(crop);
      return { text: read.text.trim(), confidence: read.confidence * 100 };
    }
    const { pool, pooled } = await this.acquire(language, REREAD_MODEL);
    try {
      const { data } = await pooled.worker.recognize(crop, {}, { text: true, blocks: true });
      const lines = linesOf(data);
      const text = lines
        .map((l) => l.text.trim())
        .filter(Boolean)
        .join(' ');
      const confidence = lines.length ? lines.reduce((s, l) => s + l.confidence, 0) / lines.length : 0;
      return { text, confidence };
    } finally {
      release(pool, pooled);
    }
  }

  private languageDir(model: Model): string {
    let dir = this.langDirs.get(model);
    if (!dir) this.langDirs.set(model, (dir = linkLanguageData(this.options.dataDir, model)));
    return dir;
  }

  private poolFor(language: TemplateLanguage, model: Model): { pool: Pool; langs: TessLang[] } {
    const langs = LANGS[language];
    const key = model === MODEL ? langs.join('+') : `${langs.join('+')}@${model}`;
    let pool = this.pools.get(key);
    if (!pool) {
      // Second readings are a few short lines a page: one recogniser keeps up, and each holds ~150 MB.
      const size = model === MODEL ? this.options.workers : 1;
      pool = { idle: [], waiting: [], starting: [], size, langs, model, langPath: this.languageDir(model) };
      this.pools.set(key, pool);
    }
    return { pool, langs };
  }

  private async acquire(language: TemplateLanguage, model: Model = MODEL): Promise<{ pool: Pool; pooled: PooledWorker }> {
    const { pool } = this.poolFor(language, model);
    const idle = pool.idle.pop();
    if (idle) return { pool, pooled: idle };
    if (pool.starting.length < pool.size) return { pool, pooled: await addWorker(pool) };
    return { pool, pooled: await new Promise<PooledWorker>((resolve) => pool.waiting.push(resolve)) };
  }
}
