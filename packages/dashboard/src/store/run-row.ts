/** One finished run as the dashboard keeps it in memory: flat numbers only, the full record stays on disk. */
export interface RunRow {
  runId: string;
  /** The conversation the run belongs to, when it had one. */
  sessionId: string | null;
  name: string | null;
  /** The framework (the record's `providerType`). */
  providerType: string;
  model: string | null;
  startedAt: number;
  durationMs: number;
  outcome: 'success' | 'error';
  errorCategory: string | null;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  modelCalls: number;
  modelLatencyMs: number;
  /** 0 when the first call was not streamed. */
  ttftMs: number;
  apiToolCalls: number;
  apiToolFailures: number;
  mcpToolCalls: number;
  mcpToolFailures: number;
  throttles: number;
  modelClientErrors: number;
  modelServerErrors: number;
  modelUnknownErrors: number;
  invocationClientErrors: number;
  invocationServerErrors: number;
  guardrailHits: number;
  /** Member runs (sub-agents, handoffs, ...) inside this run, at any depth. */
  memberRuns: number;
  /** `llm_call` events seen for this run (0 when the exporter did not write them). */
  llmCallEvents: number;
  /** Where the full record is: a byte range of the JSONL file, or a collector row id (`length` -1). */
  offset: number;
  length: number;
}

/** The token fields of a row, in the order the page shows them. */
export const TOKEN_FIELDS = [
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'totalTokens',
] as const;
export type TokenField = (typeof TOKEN_FIELDS)[number];

/** The error counters of a row (the resourceMetrics classes). */
export const ERROR_FIELDS = [
  'throttles',
  'modelClientErrors',
  'modelServerErrors',
  'modelUnknownErrors',
  'invocationClientErrors',
  'invocationServerErrors',
] as const;
export type ErrorField = (typeof ERROR_FIELDS)[number];
