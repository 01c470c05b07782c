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

/** A tool of the ADK's `MCPToolset` (`MCPTool`, or a subclass of it). */
export function isMcpTool(tool: unknown): boolean {
  return classNames(tool).includes('MCPTool');
}

/** An `AgentTool` (the ADK marks them with a registered symbol, shared by every copy). */
export function isAgentTool(tool: unknown): boolean {
  return readField(tool, Symbol.for('google.adk.agentTool') as unknown as string) === true;
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
