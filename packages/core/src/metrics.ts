import { brand, hasBrand } from './adapter/brand.js';
import { observeHttpAttempts } from './attempts/http-attempt-observer.js';
import { getCurrentInvocation, runWithInvocation } from './context.js';
import { type DiagnosticListener, Diagnostics } from './diagnostics.js';
import { ConfigurationError } from './errors/metrics-error.js';
import type { InvocationExporter } from './exporter.js';
import { DEFAULT_FLUSH_TIMEOUT_MS, settleWithin, timeoutOption } from './exporters/deadline.js';
import {
  type InvocationOptions,
  InvocationRecorder,
  type RecorderHooks,
} from './recorder/invocation-recorder.js';
import type { InvocationRecord } from './recorder/record.js';
import type { ToolTypeOverride } from './recorder/tool-type.js';
import { type ProviderType, isProviderType } from './schema/provider-types.js';

export interface MetricsOptions {
  /** Where finished invocations go; each is isolated from the others' failures. */
  exporters?: readonly InvocationExporter[];
  /** Default provider type of runs started through this instance (adapters set their own). */
  providerType?: ProviderType;
  /** Default conversation id of runs started through this instance. */
  sessionId?: string;
  /** Override of detected tool types: a name → type map or a function. */
  toolTypes?: ToolTypeOverride;
  /** Capture prompt and completion text where an adapter can. Default `false`. */
  captureContent?: boolean;
  /** An existing diagnostics channel, or a listener for this instance's own. */
  diagnostics?: Diagnostics | DiagnosticListener;
  /** Where warnings are printed (rate-limited); `false` for nowhere. Default `console`. */
  logger?: Pick<Console, 'warn'> | false;
}

export interface ResolvedMetricsOptions {
  exporters: readonly InvocationExporter[];
  providerType: ProviderType | undefined;
  sessionId: string | undefined;
  toolTypes: ToolTypeOverride | undefined;
  captureContent: boolean;
  diagnostics: Diagnostics;
}

/** Normalizes options once; the only place defaults are decided. Throws `ConfigurationError`. */
export function resolveMetricsOptions(options: MetricsOptions = {}): ResolvedMetricsOptions {
  if (options.providerType !== undefined && !isProviderType(options.providerType)) {
    throw new ConfigurationError({
      option: 'providerType',
      message: `providerType ${JSON.stringify(options.providerType)} is not a provider constant`,
    });
  }
  const exporters = options.exporters ?? [];
  exporters.forEach((exporter, index) => {
    if (typeof exporter?.export !== 'function') {
      throw new ConfigurationError({
        option: `exporters[${index}]`,
        message: `exporters[${index}] has no export(record) method`,
      });
    }
  });
  let diagnostics: Diagnostics;
  // a Diagnostics of any copy of the core (ESM beside CJS) is used as is
  if (hasBrand(options.diagnostics, 'Diagnostics')) diagnostics = options.diagnostics as Diagnostics;
  else {
    diagnostics = new Diagnostics(options.logger === undefined ? {} : { logger: options.logger });
    if (typeof options.diagnostics === 'function') diagnostics.on(options.diagnostics);
  }
  return {
    exporters,
    providerType: options.providerType,
    sessionId: options.sessionId,
    toolTypes: options.toolTypes,
    captureContent: options.captureContent === true,
    diagnostics,
  };
}

/**
 * The entry point of the manual API and what adapters build on: starts invocations and hands
 * every finished one to the exporters.
 */
export class Metrics {
  readonly options: ResolvedMetricsOptions;
  /** The hooks every invocation of this instance shares. */
  private readonly hooks: RecorderHooks;

  constructor(options: MetricsOptions = {}) {
    this.options = resolveMetricsOptions(options);
    // model calls see their HTTP attempts from the first run on (docs/http-attempts.md)
    observeHttpAttempts();
    const { toolTypes, diagnostics, providerType, sessionId } = this.options;
    this.hooks = { onEnd: (record) => this.export(record), diagnostics };
    if (toolTypes) this.hooks.toolTypes = toolTypes;
    if (providerType !== undefined || sessionId !== undefined) {
      const defaults: NonNullable<RecorderHooks['defaults']> = {};
      if (providerType !== undefined) defaults.providerType = providerType;
      if (sessionId !== undefined) defaults.sessionId = sessionId;
      this.hooks.defaults = defaults;
    }
  }

  get diagnostics(): Diagnostics {
    return this.options.diagnostics;
  }

  /** Starts an invocation; call `end()` on it (or use `withInvocation`). */
  startInvocation(options: InvocationOptions = {}): InvocationRecorder {
    // the recorder sanitizes the options and applies this instance's defaults
    return new InvocationRecorder(options, this.hooks);
  }

  /**
   * Runs `fn` as one invocation (the current invocation inside it). The record is finished
   * whether `fn` resolves or throws; the user's error is rethrown untouched.
   */
  async withInvocation<T>(
    options: InvocationOptions,
    fn: (invocation: InvocationRecorder) => T | Promise<T>,
  ): Promise<T> {
    const invocation = this.startInvocation(options);
    let result: T;
    try {
      result = await runWithInvocation(invocation, () => fn(invocation));
    } catch (error) {
      invocation.end({ error });
      throw error;
    }
    invocation.end();
    return result;
  }

  /** The invocation of the current async context, if any. */
  current(): InvocationRecorder | undefined {
    return getCurrentInvocation();
  }

  /** Hands a finished record to every exporter; one exporter's failure never reaches the others or the caller. */
  export(record: InvocationRecord): void {
    for (const exporter of this.options.exporters) {
      try {
        exporter.export(record);
      } catch (error) {
        this.options.diagnostics.reportError(
          exporter.name ?? 'exporter',
          error,
          'an exporter threw; the record was not given to it',
        );
      }
    }
  }

  /**
   * Flushes every exporter; resolves when all of them are done or at the deadline (`timeoutMs`,
   * default `DEFAULT_FLUSH_TIMEOUT_MS`, 2000 ms), whichever comes first. Never rejects.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = timeoutOption(options, DEFAULT_FLUSH_TIMEOUT_MS);
    await settleWithin(
      Promise.all(this.options.exporters.map((exporter) => this.settle(exporter, 'flush', { timeoutMs }))),
      timeoutMs,
    );
  }

  /** Shuts every exporter down, each within `timeoutMs` (default: the exporter's own deadline). Never rejects. */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    const given = timeoutOption(options, -1);
    const pass = given >= 0 ? { timeoutMs: given } : undefined;
    const all = Promise.all(
      this.options.exporters.map((exporter) => this.settle(exporter, 'shutdown', pass)),
    );
    if (given >= 0) await settleWithin(all, given + 100);
    else await all;
  }

  private async settle(
    exporter: InvocationExporter,
    method: 'flush' | 'shutdown',
    options: { timeoutMs: number } | undefined,
  ): Promise<void> {
    try {
      await exporter[method]?.(options);
    } catch (error) {
      this.options.diagnostics.reportError(exporter.name ?? 'exporter', error, `${method} failed`);
    }
  }
}

brand(Metrics.prototype, 'Metrics');

/** Creates a `Metrics` instance (see `MetricsOptions`). */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  return new Metrics(options);
}
