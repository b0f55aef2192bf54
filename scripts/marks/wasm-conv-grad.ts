import * as tf from '@tensorflow/tfjs-core';

// Training convolutions on TensorFlow.js's WebAssembly backend. The backend runs a forward
// convolution fast (XNNPACK) but has no kernel for the filter gradient (Conv2DBackpropFilter),
// and its input gradient is a slow loop. For the stride-1 'same' convolutions of the mark
// classifier both are forward convolutions in disguise:
//   input gradient  = dy convolved with the filter turned 180° and its in/out channels swapped;
//   filter gradient = the padded input, channels as batch, convolved with dy, batch as channels.
// Registered only by the training script (npm run train:marks); inference never needs them.

type Info = tf.TensorInfo;
interface Backend {
  disposeData(dataId: object): void;
}
type Kernel = (args: { inputs: Record<string, Info>; backend: Backend; attrs: Record<string, unknown> }) => Info;

function kernel(name: string): Kernel {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`the wasm backend has no ${name} kernel`);
  return config.kernelFunc as unknown as Kernel;
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: unknown;
  dataFormat?: string;
  dilations?: number | [number, number];
}

/** Only the convolutions these gradients are exact for. */
function supported(attrs: ConvAttrs, kh: number, kw: number): boolean {
  const one = (v: unknown) => v === undefined || v === 1 || (Array.isArray(v) && v.every((x) => x === 1));
  return (
    one(attrs.strides) &&
    one(attrs.dilations) &&
    attrs.pad === 'same' &&
    (attrs.dataFormat ?? 'NHWC') === 'NHWC' &&
    kh % 2 === 1 &&
    kw % 2 === 1
  );
}

/** Runs `steps` in order, each given the results so far, and frees every intermediate. */
function chain(backend: Backend, steps: ((prev: Info) => Info)[], first: Info): Info {
  let current = first;
  for (const step of steps) {
    const next = step(current);
    if (current !== first) backend.disposeData(current.dataId);
    current = next;
  }
  return current;
}

export function registerWasmConvGradients(): void {
  const conv2d = kernel('Conv2D'),
    pad = kernel('PadV2'),
    transpose = kernel('Transpose'),
    reverse = kernel('Reverse');
  const slowInputGrad = kernel('Conv2DBackpropInput');
  const same = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined };
  const valid = { ...same, pad: 'valid' };

  const filterGrad: Kernel = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: Info; dy: Info };
    const [kh, kw] = attrs.filterShape as number[];
    if (!supported(attrs as unknown as ConvAttrs, kh!, kw!))
      throw new Error('Conv2DBackpropFilter on wasm: only stride-1 same convolutions with odd kernels');
    const ph = (kh! - 1) / 2,
      pw = (kw! - 1) / 2;
    const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
    const out = chain(
      backend,
      [
        (t) =>
          pad({
            inputs: { x: t },
            backend,
            attrs: {
              paddings: [
                [0, 0],
                [ph, ph],
                [pw, pw],
                [0, 0],
              ],
              constantValue: 0,
            },
          }),
        (t) => transpose({ inputs: { x: t }, backend, attrs: { perm: [3, 1, 2, 0] } }),
        (t) => conv2d({ inputs: { x: t, filter: dyT }, backend, attrs: valid }),
        (t) => transpose({ inputs: { x: t }, backend, attrs: { perm: [1, 2, 0, 3] } }),
      ],
      x,
    );
    backend.disposeData(dyT.dataId);
    return out;
  };

  const inputGrad: Kernel = (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: Info; filter: Info };
    const [kh, kw] = filter.shape;
    if (!supported(attrs as unknown as ConvAttrs, kh!, kw!)) return slowInputGrad(args);
    const turned = chain(
      backend,
      [
        (t) => reverse({ inputs: { x: t }, backend, attrs: { dims: [0, 1] } }),
        (t) => transpose({ inputs: { x: t }, backend, attrs: { perm: [0, 1, 3, 2] } }),
      ],
      filter,
    );
    const out = conv2d({ inputs: { x: dy, filter: turned }, backend, attrs: same });
    backend.disposeData(turned.dataId);
    return out;
  };

  for (const [name, kernelFunc] of [
    ['Conv2DBackpropFilter', filterGrad],
    ['Conv2DBackpropInput', inputGrad],
  ] as const) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
