import type { InvocationExporter, InvocationRecord, ModelCallRecord, ToolCallRecord } from '@metrics/core';
import {
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  ValueType,
  metrics,
} from '@opentelemetry/api';
import {
  type ToolNamePolicy,
  toErrorType,
  toProviderName,
  toToolType,
  toolNameFilter,
} from './attributes.js';
import {
  AGENT_DURATION_BUCKETS,
  ATTR,
  DEFAULT_METRIC_NAMES,
  DURATION_BUCKETS,
  type GenAiMetricNames,
  OPERATION,
  TOKEN_BUCKETS,
} from './names.js';

export interface OtelExporterOptions {
  /** Where the instruments live. Default: the global provider of `@opentelemetry/api`, read at each export. */
  meterProvider?: MeterProvider;
  /** Default `@metrics/otel`. */
  meterName?: string;
  /** Overrides of metric names, for conventions still in development. */
  names?: Partial<GenAiMetricNames>;
  /**
   * Which tool names may become `gen_ai.tool.name`: `true` for all, a list, or a predicate.
   * Default `false`: every tool is reported as `_OTHER`, so user-defined names never add series.
   */
  toolNames?: ToolNamePolicy;
  /** Put the invocation's `name` in `gen_ai.agent.name`. Default `true`. */
  agentNames?: boolean;
  /** Overrides `gen_ai.provider.name` for a model call; `undefined` falls back to the built-in mapping. */
  providerName?: (call: ModelCallRecord, record: InvocationRecord) => string | undefined;
  /** `gen_ai.operation.name` of model calls. Default `chat`. */
  operationName?: string;
  /** `flush()` also calls `forceFlush()` on the meter provider, when it has one. Default `true`. */
  flushMeterProvider?: boolean;
}

interface Instruments {
  provider: MeterProvider;
  tokenUsage: Histogram;
  operationDuration: Histogram;
  timeToFirstChunk: Histogram;
  invokeAgentDuration: Histogram;
  executeToolDuration: Histogram;
  toolCalls: Counter;
  cacheRead: Counter;
  cacheWrite: Counter;
}

function createInstruments(provider: MeterProvider, meterName: string, names: GenAiMetricNames): Instruments {
  const meter: Meter = provider.getMeter(meterName);
  const seconds = (name: string, description: string, buckets: readonly number[]) =>
    meter.createHistogram(name, {
      description,
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: [...buckets] },
    });
  const tokens = (name: string, description: string) =>
    meter.createCounter(name, { description, unit: '{token}', valueType: ValueType.INT });
  return {
    provider,
    tokenUsage: meter.createHistogram(names.tokenUsage, {
      description: 'Number of input and output tokens used per model call.',
      unit: '{token}',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: [...TOKEN_BUCKETS] },
    }),
    operationDuration: seconds(names.operationDuration, 'GenAI operation duration.', DURATION_BUCKETS),
    timeToFirstChunk: seconds(
      names.timeToFirstChunk,
      'Time to receive the first chunk of a streamed model call.',
      DURATION_BUCKETS,
    ),
    invokeAgentDuration: seconds(
      names.invokeAgentDuration,
      'Duration of an agent invocation.',
      AGENT_DURATION_BUCKETS,
    ),
    executeToolDuration: seconds(
      names.executeToolDuration,
      'Duration of a tool execution.',
      DURATION_BUCKETS,
    ),
    toolCalls: meter.createCounter(names.toolCalls, {
      description: 'Tool calls, including those that failed before they could run.',
      unit: '{call}',
      valueType: ValueType.INT,
    }),
    cacheRead: tokens(names.cacheReadInputTokens, 'Input tokens served from a provider-managed cache.'),
    cacheWrite: tokens(names.cacheCreationInputTokens, 'Input tokens written to a provider-managed cache.'),
  };
}

/**
 * An `InvocationExporter` that records every finished invocation as OpenTelemetry GenAI metrics on
 * the user's `MeterProvider`. It never registers a provider: without `meterProvider` it uses the
 * global one, which is a no-op until the application installs an SDK.
 */
export class OpenTelemetryExporter implements InvocationExporter {
  readonly name = 'opentelemetry';
  private readonly options: OtelExporterOptions;
  private readonly names: GenAiMetricNames;
  private readonly toolName: (name: string) => string;
  private instruments: Instruments | undefined;
  private closed = false;

  constructor(options: OtelExporterOptions = {}) {
    this.options = options;
    this.names = { ...DEFAULT_METRIC_NAMES, ...options.names };
    this.toolName = toolNameFilter(options.toolNames);
  }

  export(record: InvocationRecord): void {
    if (this.closed) return;
    this.recordInvocation(this.resolveInstruments(), record);
  }

  async flush(): Promise<void> {
    if (this.options.flushMeterProvider === false) return;
    const provider = (this.options.meterProvider ?? metrics.getMeterProvider()) as MeterProvider & {
      forceFlush?: () => Promise<void>;
    };
    if (typeof provider.forceFlush === 'function') await provider.forceFlush();
  }

  /** Flushes, then ignores new records. The meter provider belongs to the application and stays up. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
  }

  private resolveInstruments(): Instruments {
    const provider = this.options.meterProvider ?? metrics.getMeterProvider();
    if (this.instruments?.provider !== provider) {
      this.instruments = createInstruments(provider, this.options.meterName ?? '@metrics/otel', this.names);
    }
    return this.instruments;
  }

  private recordInvocation(inst: Instruments, record: InvocationRecord): void {
    const agentName = this.options.agentNames !== false ? record.name : undefined;
    const agentAttrs: Attributes = {};
    if (agentName !== undefined) agentAttrs[ATTR.agentName] = agentName;
    const model = singleModel(record);
    if (model !== undefined) agentAttrs[ATTR.requestModel] = model;
    if (record.outcome === 'error') agentAttrs[ATTR.errorType] = toErrorType(record.error);
    inst.invokeAgentDuration.record(record.durationMs / 1000, agentAttrs);

    for (const call of record.modelCalls) this.recordModelCall(inst, call, record);
    for (const call of record.toolCalls) this.recordToolCall(inst, call, agentName);
    for (const member of record.members) this.recordInvocation(inst, member);
  }

  private recordModelCall(inst: Instruments, call: ModelCallRecord, record: InvocationRecord): void {
    const attrs: Attributes = {
      [ATTR.operationName]: this.options.operationName ?? OPERATION.chat,
      [ATTR.providerName]: this.providerName(call, record),
    };
    const model = call.model ?? record.model;
    if (model !== undefined) attrs[ATTR.requestModel] = model;

    const durationAttrs: Attributes = { ...attrs };
    if (call.outcome === 'error') durationAttrs[ATTR.errorType] = toErrorType(call.error);
    else if (call.outcome === 'unfinished') durationAttrs[ATTR.errorType] = 'Unfinished';
    inst.operationDuration.record((call.endedAt - call.startedAt) / 1000, durationAttrs);
    if (call.streamed && call.firstTokenAt !== undefined) {
      inst.timeToFirstChunk.record(Math.max(0, call.firstTokenAt - call.startedAt) / 1000, attrs);
    }

    const usage = call.usage;
    if (!usage) return;
    if (usage.inputTokens !== undefined)
      inst.tokenUsage.record(usage.inputTokens, { ...attrs, [ATTR.tokenType]: 'input' });
    if (usage.outputTokens !== undefined)
      inst.tokenUsage.record(usage.outputTokens, { ...attrs, [ATTR.tokenType]: 'output' });
    const cacheAttrs = { ...attrs, [ATTR.tokenModality]: 'unknown' };
    if (usage.cacheReadTokens !== undefined) inst.cacheRead.add(usage.cacheReadTokens, cacheAttrs);
    if (usage.cacheWriteTokens !== undefined) inst.cacheWrite.add(usage.cacheWriteTokens, cacheAttrs);
  }

  private providerName(call: ModelCallRecord, record: InvocationRecord): string {
    let name: string | undefined;
    try {
      name = this.options.providerName?.(call, record);
    } catch {
      // a throwing user mapping falls back to the built-in one
    }
    return typeof name === 'string' && name !== '' ? name : toProviderName(call.provider);
  }

  private recordToolCall(inst: Instruments, call: ToolCallRecord, agentName: string | undefined): void {
    const attrs: Attributes = {
      [ATTR.toolName]: this.toolName(call.name),
      [ATTR.toolType]: toToolType(call.type),
    };
    if (agentName !== undefined) attrs[ATTR.agentName] = agentName;
    if (call.outcome === 'failure') attrs[ATTR.errorType] = toErrorType(call.error);
    inst.executeToolDuration.record((call.endedAt - call.startedAt) / 1000, attrs);
    inst.toolCalls.add(1, attrs);
  }
}

/** The one model an invocation used (its calls and its members'), or the configured one when no call reported any. */
function singleModel(record: InvocationRecord): string | undefined {
  const models = Object.keys(record.summary.models);
  if (models.length === 1) return models[0];
  return models.length === 0 ? record.model : undefined;
}

/** Creates the OpenTelemetry exporter; pass it in `exporters` of `createMetrics` or an adapter. */
export function createOpenTelemetryExporter(options: OtelExporterOptions = {}): OpenTelemetryExporter {
  return new OpenTelemetryExporter(options);
}
