import type { RunSummary } from './api.js';
import { int, ms, time } from './format.js';
import type { Column } from './table.js';

export const runColumns: Column<RunSummary>[] = [
  { label: 'started', value: (r) => time(r.startedAt) },
  { label: 'framework', value: (r) => r.providerType },
  { label: 'model', value: (r) => r.model ?? '' },
  { label: 'session', value: (r) => r.sessionId ?? '' },
  { label: 'outcome', value: (r) => r.outcome, bad: (r) => r.outcome === 'error' },
  { label: 'input', value: (r) => int(r.inputTokens) },
  { label: 'output', value: (r) => int(r.outputTokens) },
  { label: 'calls', value: (r) => int(r.modelCalls) },
  { label: 'tools', value: (r) => int(r.apiToolCalls + r.mcpToolCalls) },
  { label: 'members', value: (r) => int(r.memberRuns) },
  { label: 'ttft', value: (r) => ms(r.ttftMs) },
  { label: 'model', value: (r) => ms(r.modelLatencyMs) },
  { label: 'total', value: (r) => ms(r.durationMs) },
];
