import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import type { Config } from '../config';

// OpenTelemetry tracing across API → workflow → activities, strictly opt-in: with
// EXAMFLOW_OTEL_ENDPOINT unset nothing here runs, so the tests' prebuilt workflow bundle
// and the replay tests see exactly the workflow code they always did. When set, the
// Temporal plugin adds the client interceptor (API), the activity interceptors and the
// workflow interceptor module (worker: appended to the bundle it builds from workflowsPath)
// and exports spans over OTLP/HTTP to `<endpoint>/v1/traces`.

let provider: NodeTracerProvider | undefined;

/** The tracing plugin for Client / NativeConnection, or undefined when tracing is off. */
export function tracingPlugin(cfg: Config): OpenTelemetryPlugin | undefined {
  if (!cfg.EXAMFLOW_OTEL_ENDPOINT) return undefined;
  const resource = new Resource({ 'service.name': cfg.EXAMFLOW_SERVICE });
  const exporter = new OTLPTraceExporter({ url: `${cfg.EXAMFLOW_OTEL_ENDPOINT.replace(/\/$/, '')}/v1/traces` });
  const spanProcessor = new BatchSpanProcessor(exporter);
  provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register(); // the global tracer the interceptors use, with async-hooks context
  return new OpenTelemetryPlugin({ resource, spanProcessor });
}

/** Flushes the spans still buffered; call on shutdown. */
export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}
