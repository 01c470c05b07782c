import type { InvocationRecorder, ToolCall } from '@metrics/core';
import { isMcpTool } from './mcp.js';
import { isObject } from './raw-fields.js';

/** The tool `multiAgent()` adds for handoffs: a handoff is a member run, not a tool call. */
export const HANDOFF_TOOL = 'handOff';
/** Most tool calls kept open in one run (a memory bound, far above any real step). */
const MAX_OPEN = 1_000;

/** A tool's failure as LlamaIndex reports it (an `Error: ...` string, not the thrown object). */
export class ToolError extends Error {
  override name = 'ToolError';
  constructor(output: unknown) {
    super(typeof output === 'string' ? output.slice(0, 500) : 'the tool failed');
  }
}

/** What the tool calls of a run need from the run: its current recorder and its agents' tools. */
export interface ToolHost {
  readonly recorder: InvocationRecorder;
  findTool(agentName: string | undefined, toolName: string): object | undefined;
}

/**
 * The tool calls of one run, from either source: `@llamaindex/workflow`'s `agentToolCall*` events
 * (then the only source), or the `llm-tool-call` / `llm-tool-result` callbacks.
 */
export class ToolCalls {
  private readonly open = new Map<string, ToolCall>();
  /** Tool calls seen through `llm-tool-call` (no failure event exists: the next event closes them). */
  private readonly viaCallbacks = new Map<string, ToolCall>();
  /** Whether `@llamaindex/workflow` events reach this run (then they are the tool source). */
  workflowEvents = false;

  constructor(private readonly host: ToolHost) {}

  private typeOf(agentName: string | undefined, name: string): 'mcp' | 'api' {
    return isMcpTool(this.host.findTool(agentName, name), name) ? 'mcp' : 'api';
  }

  workflowCall(data: unknown, agentCount: number): void {
    if (!isObject(data)) return;
    this.workflowEvents = true;
    this.closeCallbackCalls();
    const name = String(data.toolName);
    if (name === HANDOFF_TOOL && agentCount > 1) return;
    const agentName = typeof data.agentName === 'string' ? data.agentName : undefined;
    const toolId = typeof data.toolId === 'string' ? data.toolId : undefined;
    const call = this.host.recorder.startToolCall({
      name,
      type: this.typeOf(agentName, name),
      ...(toolId !== undefined ? { callId: toolId } : {}),
    });
    keep(this.open, toolId ?? name, call);
  }

  workflowResult(data: unknown): void {
    if (!isObject(data)) return;
    const key = typeof data.toolId === 'string' ? data.toolId : String(data.toolName);
    const call = this.open.get(key);
    if (!call) return;
    this.open.delete(key);
    const output = isObject(data.toolOutput) ? data.toolOutput : undefined;
    if (output?.isError === true) call.fail(new ToolError(output.result));
    else call.end();
  }

  callbackCall(toolCall: unknown): void {
    if (this.workflowEvents || !isObject(toolCall)) return;
    this.closeCallbackCalls();
    const name = String(toolCall.name);
    if (name === HANDOFF_TOOL) return;
    const call = this.host.recorder.startToolCall({
      name,
      type: this.typeOf(undefined, name),
      ...(typeof toolCall.id === 'string' ? { callId: toolCall.id } : {}),
    });
    keep(this.viaCallbacks, keyOf(toolCall) ?? name, call);
  }

  callbackResult(toolCall: unknown, toolResult: unknown): void {
    if (this.workflowEvents) return;
    const key = keyOf(toolCall);
    const call = key === undefined ? undefined : this.viaCallbacks.get(key);
    if (!call || key === undefined) return;
    this.viaCallbacks.delete(key);
    if (isObject(toolResult) && toolResult.isError === true) call.fail(new ToolError(toolResult.output));
    else call.end();
  }

  /** `llm-tool-result` is only sent on success: a tool call still open at the next event failed. */
  closeCallbackCalls(): void {
    if (this.viaCallbacks.size === 0) return;
    for (const call of this.viaCallbacks.values()) call.fail(new ToolError('the tool failed'));
    this.viaCallbacks.clear();
  }

  /** Tools a model answer named that the agent does not have: each is a failed tool call that never ran. */
  recordUnknown(names: readonly string[]): void {
    for (const name of names) {
      if (this.host.findTool(undefined, name) !== undefined || name === HANDOFF_TOOL) continue;
      this.host.recorder.recordToolCall({
        name,
        type: this.typeOf(undefined, name),
        outcome: 'failure',
        error: new ToolError(`Tools not found: ${name}`),
      });
    }
  }

  /** The run ended: callback tool calls still open failed, workflow ones are dropped. */
  close(): void {
    this.closeCallbackCalls();
    this.open.clear();
  }
}

function keyOf(toolCall: unknown): string | undefined {
  if (!isObject(toolCall)) return undefined;
  const id = toolCall.id ?? toolCall.name;
  return typeof id === 'string' ? id : undefined;
}

/** Adds an open call, dropping the oldest past the bound (a run that never closes its calls). */
function keep(map: Map<string, ToolCall>, key: string, call: ToolCall): void {
  if (map.size >= MAX_OPEN) {
    const first = map.keys().next();
    if (!first.done) map.delete(first.value);
  }
  map.set(key, call);
}
