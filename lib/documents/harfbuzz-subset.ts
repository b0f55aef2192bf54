import { readFileSync } from 'node:fs';

// HarfBuzz's subsetter (the one Chromium itself uses) from harfbuzzjs's WebAssembly build.
// Its memory is fixed at 64 MiB, so each font gets an instance of its own: one Noto CJK
// collection (20–27 MB) and the work of cutting a few hundred characters out of it fit.

interface HarfBuzz {
  memory: WebAssembly.Memory;
  _initialize?: () => void;
  malloc(size: number): number;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, codePoint: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_or_fail(face: number, input: number): number;
}

const HB_MEMORY_MODE_WRITABLE = 2;

let wasm: WebAssembly.Module | undefined;

/** One face of a font file (`index` within a collection), ready to be cut down to a few characters. */
export class FontSubsetter {
  private readonly hb: HarfBuzz;
  private readonly face: number;

  constructor(file: string, index: number) {
    wasm ??= new WebAssembly.Module(readFileSync(require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm')));
    this.hb = new WebAssembly.Instance(wasm, {}).exports as unknown as HarfBuzz;
    this.hb._initialize?.();
    const bytes = readFileSync(file);
    const data = this.hb.malloc(bytes.length);
    if (!data) throw new Error(`${file} does not fit HarfBuzz's memory`);
    new Uint8Array(this.hb.memory.buffer, data, bytes.length).set(bytes);
    const blob = this.hb.hb_blob_create(data, bytes.length, HB_MEMORY_MODE_WRITABLE, 0, 0);
    this.face = this.hb.hb_face_create(blob, index);
    this.hb.hb_blob_destroy(blob); // the face keeps its own reference
  }

  /** An OpenType font with the glyphs of `codePoints` (and what their layout rules reach), nothing else. */
  subset(codePoints: Iterable<number>): Buffer {
    const hb = this.hb;
    const input = hb.hb_subset_input_create_or_fail();
    if (!input) throw new Error('HarfBuzz is out of memory');
    const unicodes = hb.hb_subset_input_unicode_set(input);
    for (const cp of codePoints) hb.hb_set_add(unicodes, cp);
    const subset = hb.hb_subset_or_fail(this.face, input);
    hb.hb_subset_input_destroy(input);
    if (!subset) throw new Error('HarfBuzz could not subset the font');
    const blob = hb.hb_face_reference_blob(subset);
    const font = Buffer.from(new Uint8Array(hb.memory.buffer, hb.hb_blob_get_data(blob, 0), hb.hb_blob_get_length(blob)));
    hb.hb_blob_destroy(blob);
    hb.hb_face_destroy(subset);
    return font;
  }
}
