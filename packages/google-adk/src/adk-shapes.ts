import { readField } from '@metrics/core';

/** Workflow agents: their sub-agents are team members, not agents the model handed the turn to. */
const WORKFLOW_AGENTS = new Set(['SequentialAgent', 'ParallelAgent', 'LoopAgent']);

/** The classes of an object's prototype chain, by name (the ADK's dist keeps its class names). */
function classNames(value: unknown): string[] {
  const names: string[] = [];
  let proto = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : null;
  for (let depth = 0; proto !== null && proto !== Object.prototype && depth < 8; depth++) {
    const name = readField(proto.constructor, 'name');
    if (typeof name === 'string') names.push(name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

/** What a tool is, as its calls are recorded. */
export interface ToolTraits {
  readonly name: string;
  /** A tool of the ADK's `MCPToolset` (`MCPTool`, or a subclass of it). */
  readonly mcp: boolean;
  /** An `AgentTool` (the ADK marks them with a registered symbol, shared by every copy). */
  readonly agentTool: boolean;
}

const AGENT_TOOL = Symbol.for('google.adk.agentTool') as unknown as string;

/**
 * Traits by tool object: a tool lives as long as its agent, and walking its prototype chain on
 * every call cost more than the rest of the call's recording.
 */
const traitsByTool = new WeakMap<object, ToolTraits>();

/** The traits of a tool, read once per tool object. */
export function toolTraits(tool: unknown): ToolTraits {
  const cached = typeof tool === 'object' && tool !== null ? traitsByTool.get(tool) : undefined;
  if (cached) return cached;
  const traits: ToolTraits = {
    name: String(readField(tool, 'name') ?? 'tool'),
    mcp: classNames(tool).includes('MCPTool'),
    agentTool: readField(tool, AGENT_TOOL) === true,
  };
  if (typeof tool === 'object' && tool !== null) traitsByTool.set(tool, traits);
  return traits;
}

/** Whether the agent runs as a member of a workflow agent (sequential, parallel, loop). */
export function isWorkflowMember(agent: unknown): boolean {
  return classNames(readField(agent, 'parentAgent')).some((name) => WORKFLOW_AGENTS.has(name));
}

/** The model id an agent is configured with (`model: 'gemini-…'` or a `BaseLlm` with `.model`). */
export function modelOfAgent(agent: unknown): string | undefined {
  const model = readField(agent, 'model');
  if (typeof model === 'string' && model !== '') return model;
  const id = readField(model, 'model');
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** A response part that is content (text, a function call, data), not an empty keep-alive. */
export function hasContent(response: unknown): boolean {
  const parts = readField(readField(response, 'content'), 'parts');
  if (!Array.isArray(parts)) return false;
  return parts.some((part) => {
    const text = readField(part, 'text');
    return (typeof text === 'string' && text !== '') || readField(part, 'functionCall') !== undefined;
  });
}

/** The text of an MCP error result (`{ content: [{ type: 'text', text }], isError: true }`). */
export function mcpErrorText(result: unknown): string {
  const content = readField(result, 'content');
  if (!Array.isArray(content)) return 'tool returned an error result';
  const text = content
    .map((item) => readField(item, 'text'))
    .filter((t) => typeof t === 'string')
    .join('\n');
  return text === '' ? 'tool returned an error result' : text;
}
