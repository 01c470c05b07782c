import { type Metrics, guard, readField } from '@metrics/core';
import { OpenRuns, adapterOptions, toMetrics } from '@metrics/core/adapter';
import { BasePlugin, type BaseTool, type Context, type Event, type InvocationContext } from '@google/adk';
import { modelOfAgent } from './adk-shapes.js';
import { AdkRun, agentKey } from './adk-run.js';
import { keepAdapterShapes } from './kept-shapes.js';
import { type AdkAdapterOptions, type AdkMetricsInput, SOURCE } from './options.js';
import { endTool, startTool, toolError } from './tool-calls.js';
import { type ModelResponse, PendingModelCall, enterAttemptCollector } from './model-calls.js';

/**
 * A `Runner` plugin that turns every `runAsync()`/`runLive()` into one invocation record:
 * `new Runner({ appName, agent, sessionService, plugins: [new MetricsPlugin({ exporters })] })`.
 * Agents the model transfers to and the members of workflow agents are member runs rolled into
 * it. Put it first in `plugins`: it never answers a callback, so the plugins after it all run.
 */
export class MetricsPlugin extends BasePlugin {
  readonly metrics: Metrics;
  /** @internal open runs by the ADK's invocation id */
  readonly runs: OpenRuns<string, AdkRun>;
  private warnedNotFirst = false;
  private checkedManager: unknown;

  constructor(input: AdkMetricsInput = {}) {
    super('metrics');
    this.metrics = toMetrics(input);
    const { openRunTimeoutMs, maxOpenRuns } = adapterOptions<AdkAdapterOptions>(input);
    this.runs = new OpenRuns((run) => run.end(), this.metrics.diagnostics, SOURCE, {
      openRunTimeoutMs,
      maxOpenRuns,
    });
    keepAdapterShapes();
  }

  override async beforeRunCallback({ invocationContext }: { invocationContext: InvocationContext }) {
    this.guarded(() => {
      const { invocationId, agent, session } = invocationContext;
      if (this.runs.peek(invocationId)) return;
      const name = String(readField(agent, 'name') ?? 'agent');
      const model = modelOfAgent(agent);
      const recorder = this.metrics.startInvocation({
        providerType: 'GOOGLE_AGENT_DEVELOPMENT_KIT',
        name,
        sessionId: session.id,
        ...(model !== undefined ? { model } : {}),
      });
      this.runs.add(invocationId, new AdkRun(recorder, name));
      this.checkFirst(invocationContext.pluginManager);
    });
    return undefined;
  }

  override async afterRunCallback({ invocationContext }: { invocationContext: InvocationContext }) {
    this.guarded(() => {
      const run = this.runs.get(invocationContext.invocationId);
      if (!run) return;
      this.runs.delete(invocationContext.invocationId);
      run.end();
    });
  }

  override async beforeModelCallback({ callbackContext }: { callbackContext: Context }) {
    // synchronous up to here: the call is entered in the context the ADK goes on to call the model from
    this.guarded(() => {
      const run = this.runs.get(callbackContext.invocationId);
      if (!run) return;
      const key = agentKey(callbackContext);
      run.calls.get(key)?.finish();
      const invocation = callbackContext.invocationContext;
      const agent = invocation.agent;
      const call = new PendingModelCall(
        run.recorderFor(agent, callbackContext.agentName),
        modelOfAgent(agent),
        readField(invocation.runConfig, 'streamingMode') === 'sse',
      );
      run.calls.set(key, call);
      enterAttemptCollector(call);
    });
    return undefined;
  }

  override async afterModelCallback({
    callbackContext,
    llmResponse,
  }: {
    callbackContext: Context;
    llmResponse: ModelResponse;
  }) {
    this.guarded(() => {
      const run = this.runs.get(callbackContext.invocationId);
      const key = agentKey(callbackContext);
      const call = run?.calls.get(key);
      if (!run || !call) return;
      run.error = undefined; // a model call that answered: an earlier one's error is not the run's
      if (!call.response(llmResponse)) return;
      run.calls.delete(key);
      call.finish();
    });
    return undefined;
  }

  override async onModelErrorCallback({
    callbackContext,
    error,
  }: {
    callbackContext: Context;
    error: Error;
  }) {
    this.guarded(() => {
      const run = this.runs.get(callbackContext.invocationId);
      const key = agentKey(callbackContext);
      const call = run?.calls.get(key);
      if (!run || !call) return;
      run.calls.delete(key);
      call.fail(error);
      run.error = error;
    });
    return undefined;
  }

  override async onEventCallback({
    invocationContext,
    event,
  }: {
    invocationContext: InvocationContext;
    event: Event;
  }) {
    this.guarded(() => {
      // a model call no response reached, yet its agent answered: a later callback answered instead
      // peek: an event is no sign of life the run's own callbacks do not give (no clock read per event)
      const run = this.runs.peek(invocationContext.invocationId);
      if (!run || run.calls.size === 0 || event.partial === true) return;
      const key = `${event.branch ?? ''}|${event.author}`;
      const call = run.calls.get(key);
      if (call && !call.answered) {
        run.calls.delete(key);
        call.finish();
      }
    });
    return undefined;
  }

  override async beforeToolCallback(params: {
    tool: BaseTool;
    toolArgs: Record<string, unknown>;
    toolContext: Context;
  }) {
    const child = guard(this.metrics.diagnostics, SOURCE, () =>
      startTool(this.runs, params.tool, params.toolContext),
    );
    if (child)
      await child.readSession().catch((error) => this.metrics.diagnostics.reportError(SOURCE, error));
    return undefined;
  }

  override async onToolErrorCallback(params: { tool: BaseTool; toolContext: Context; error: Error }) {
    this.guarded(() => toolError(this.runs, params.tool, params.toolContext, params.error));
    return undefined;
  }

  override async afterToolCallback(params: {
    tool: BaseTool;
    toolContext: Context;
    result: Record<string, unknown>;
  }) {
    try {
      const child = endTool(this.runs, params.tool, params.toolContext, params.result);
      if (child) await child;
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
    return undefined;
  }

  /** Delivers what the exporters hold. */
  flush(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.metrics.flush(options);
  }

  /** Ends the runs still open (as they stand) and shuts the exporters down. */
  shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    this.runs.finishAll();
    return this.metrics.shutdown(options);
  }

  /**
   * Only the first plugin's callbacks run in the async context the ADK calls the model from: after
   * another plugin, the model's HTTP attempts (genai's retries) cannot be told apart.
   */
  private checkFirst(manager: unknown): void {
    // a runner keeps its plugin manager: checked once per manager, not on every run
    if (this.warnedNotFirst || manager === this.checkedManager) return;
    this.checkedManager = manager;
    const plugins = readField(manager, 'plugins');
    if (!(plugins instanceof Set) || plugins.values().next().value === this) return;
    this.warnedNotFirst = true;
    this.metrics.diagnostics.emit({
      type: 'google-adk.plugin-not-first',
      level: 'warn',
      source: SOURCE,
      message:
        "MetricsPlugin is not the first of the runner's plugins: model calls are counted from the callbacks, but their HTTP attempts (retries) are not seen; put it first",
    });
  }

  private guarded(fn: () => void): void {
    guard(this.metrics.diagnostics, SOURCE, fn);
  }
}
