// Loose views of the AI SDK 7 telemetry events: only the fields read here.

export interface CallEvent {
  callId?: string;
}
export interface StartEvent extends CallEvent {
  operationId?: string;
  modelId?: string;
  functionId?: string;
  tools?: unknown;
}
export interface ToolCallInfo {
  toolCallId?: string;
  toolName?: string;
  invalid?: boolean;
  error?: unknown;
}
export interface StepsEvent extends CallEvent {
  steps?: readonly { toolCalls?: readonly ToolCallInfo[] }[];
}
export interface ObjectStepStartEvent extends CallEvent {
  promptMessages?: unknown;
}
export interface ObjectStepEndEvent extends CallEvent {
  modelId?: string;
  usage?: unknown;
  msToFirstChunk?: number;
  response?: { modelId?: string };
}
export interface AbortEvent extends StepsEvent {
  reason?: unknown;
}
export interface ModelCallOptions<T> {
  callId: string;
  provider?: string;
  modelId?: string;
  execute: () => PromiseLike<T>;
}
export interface ToolOptions<T> {
  callId: string;
  toolCallId: string;
  toolCall?: { toolName?: string };
  execute: () => PromiseLike<T>;
}
