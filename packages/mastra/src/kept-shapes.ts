import { InvocationRecorder, fromAiSdkProviderUsage, now } from '@metrics/core';
import { AttemptLog, keepShapes } from '@metrics/core/adapter';
import { ExporterRun } from './exporter-run.js';
import { report } from './model-observer.js';
import { type SpanLike, readInference } from './span-reading.js';

/**
 * One finished object of each kind a measured Mastra run creates, built through the adapter's own
 * code and kept alive for the process (the core's `keepShapes`; it explains why).
 *
 * Why: the usages a Mastra run records (`fromMastraSpanUsage` on a span's `UsageStats`,
 * `fromAiSdkProviderUsage` on a model result) carry counts the core's own template has not (cache and
 * reasoning counts), so their hidden class is one no live object keeps: every major collection freed
 * it, and the next model call "changed the dependent field type" of the recorded call's `usage`,
 * discarding the core's optimized `readRecordedModelCall`, `build` and `accumulate` (and the
 * exporter's `ExporterRun`, `takeAttempt` lost their feedback).
 */
function buildTemplates(): unknown[] {
  const recorder = new InvocationRecorder({ providerType: 'MASTRA', name: 'template' });
  const run = new ExporterRun(recorder, true);
  const startedAt = now();
  // a model request the model wrapper saw, reported as `report` reports one
  const log = new AttemptLog();
  const attempts: unknown[] = [];
  report(
    (attempt) => void attempts.push(attempt),
    TEMPLATE_MODEL,
    startedAt,
    log,
    false,
    'model',
    providerUsage(),
    undefined,
  );
  for (const attempt of attempts) run.onAttempt(attempt as Parameters<ExporterRun['onAttempt']>[0]);
  // the span Mastra ends for that request: an AI SDK provider's usage as Mastra's tracing maps it
  const span: SpanLike = {
    id: 'span',
    traceId: 'trace',
    parentSpanId: 'step',
    type: 'model_inference',
    startTime: startedAt,
    endTime: now(),
    attributes: {
      model: 'model',
      provider: 'provider',
      usage: {
        inputTokens: 10,
        outputTokens: 5,
        inputDetails: { cacheRead: 0, cacheWrite: 0, text: 10 },
        outputDetails: { reasoning: 0, text: 5 },
      },
    },
  };
  const inference = readInference(span, startedAt, now(), { model: 'model', provider: 'provider' });
  // the step it ended in, with a tool call started, as the exporter holds it until the step ends
  run.toolStarted('step', startedAt);
  run.steps.open('step').inference = inference;
  const step = run.steps.take('step');
  run.recordInference(inference, undefined, step?.firstToolStart);
  run.end({ ...span, type: 'agent_run' }, now());
  return [recorder, run, log, attempts, inference, span, step];
}

const TEMPLATE_MODEL = { modelId: 'model', provider: 'provider' };

/** An AI SDK (spec v3/v4) provider usage with the cache and reasoning counts providers report as 0. */
function providerUsage() {
  return fromAiSdkProviderUsage({
    inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 5, text: 5, reasoning: 0 },
  });
}

/** Keeps the adapter's per-run shapes alive (once per process; called where the adapter is set up). */
export function keepMastraShapes(): void {
  keepShapes(buildTemplates);
}
