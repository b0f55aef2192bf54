// OpenCV's WebAssembly build, loaded once per process (about 0.3 s) and shared. The package
// embeds its wasm, so nothing is fetched. Its module object is a thenable that resolves to
// itself, so it is handed out wrapped, never awaited directly.
export type CV = typeof import('@techstark/opencv-js');

let loading: Promise<{ cv: CV }> | undefined;

export function loadOpenCv(): Promise<{ cv: CV }> {
  loading ??= new Promise((resolve, reject) => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const cv = require('@techstark/opencv-js') as CV & { onRuntimeInitialized?: () => void };
      if (typeof cv.Mat === 'function' && typeof cv.getPerspectiveTransform === 'function') resolve({ cv });
      else cv.onRuntimeInitialized = () => resolve({ cv });
    } catch (err) {
      loading = undefined;
      reject(new Error(`could not load OpenCV (wasm): ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
    }
  });
  return loading;
}

/** Runs `fn` and deletes every Mat it registered, also when it throws (wasm memory is not garbage-collected). */
export function withMats<T>(fn: (keep: <M extends { delete(): void }>(m: M) => M) => T): T {
  const mats: { delete(): void }[] = [];
  try {
    return fn((m) => {
      mats.push(m);
      return m;
    });
  } finally {
    for (const m of mats) m.delete();
  }
}
