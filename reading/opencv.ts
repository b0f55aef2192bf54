// OpenCV's WebAssembly build, loaded once per process (about 0.3 s) and shared. The package
// embeds its wasm, so nothing is fetched. Its module object is a thenable that resolves to
// itself, so it is handed out wrapped, never awaited directly.
export type CV = typeof import('@techstark/opencv-js');

let loading: Promise<{ cv: CV }> | undefined;

export function loadOpenCv(): Promise<{ cv: CV }> {
  loading ??= new Promise((resolve, reject) => {
    try {
      const cv = withoutProcessHandlers(
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        () => require('@techstark/opencv-js') as CV & { onRuntimeInitialized?: () => void },
      );
      if (typeof cv.Mat === 'function' && typeof cv.getPerspectiveTransform === 'function') resolve({ cv });
      else cv.onRuntimeInitialized = () => resolve({ cv });
    } catch (err) {
      loading = undefined;
      reject(new Error(`could not load OpenCV (wasm): ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
    }
  });
  return loading;
}

/**
 * Emscripten's Node glue registers process-wide handlers when the module loads: one rethrows every
 * uncaught exception from inside OpenCV's 200 kB line (hiding the real error and exiting with code 7),
 * one aborts the process on any unhandled rejection anywhere. They are not OpenCV's business: removed.
 */
function withoutProcessHandlers<T>(load: () => T): T {
  const exceptions = new Set(process.listeners('uncaughtException'));
  const rejections = new Set(process.listeners('unhandledRejection'));
  const loaded = load();
  for (const l of process.listeners('uncaughtException')) if (!exceptions.has(l)) process.off('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection')) if (!rejections.has(l)) process.off('unhandledRejection', l);
  return loaded;
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
