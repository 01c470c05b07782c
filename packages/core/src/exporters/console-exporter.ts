import type { InvocationExporter } from '../exporter.js';
import type { InvocationRecord } from '../recorder/record.js';
import { primaryModel } from '../recorder/summarize.js';

export interface ConsoleExporterOptions {
  /** Where lines go. Default `console` (`log`). */
  logger?: Pick<Console, 'log'>;
}

function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)}s` : `${Math.round(value)}ms`;
}

/**
 * One compact line per finished run, for development, e.g.
 * `[agent-metrics] LANGCHAIN ok 1.2s model=gpt-4o calls=3 tokens=1200→340 (cached 890) ttft=180ms tools=api 2/2 run=0f8c…`.
 * Never prints prompt or completion text. Synchronous (console output), so not for hot production paths.
 */
export function formatInvocationLine(record: InvocationRecord): string {
  const { summary } = record;
  const parts = [`[agent-metrics] ${record.providerType}`, record.outcome === 'success' ? 'ok' : 'error'];
  if (record.name) parts.push(JSON.stringify(record.name.slice(0, 60)));
  parts.push(ms(record.durationMs));
  const model = primaryModel(record);
  if (model) parts.push(`model=${model.slice(0, 80)}`);
  parts.push(`calls=${summary.modelCalls}`);
  const usage = summary.usage;
  if (usage) {
    let tokens = `tokens=${usage.inputTokens ?? 0}→${usage.outputTokens ?? 0}`;
    const extra: string[] = [];
    if (usage.cacheReadTokens) extra.push(`cached ${usage.cacheReadTokens}`);
    if (usage.cacheWriteTokens) extra.push(`cache-write ${usage.cacheWriteTokens}`);
    if (usage.reasoningTokens) extra.push(`reasoning ${usage.reasoningTokens}`);
    if (extra.length > 0) tokens += ` (${extra.join(', ')})`;
    parts.push(tokens);
  } else {
    parts.push('tokens=n/a');
  }
  if (summary.ttftMs > 0) parts.push(`ttft=${ms(summary.ttftMs)}`);
  for (const type of ['api', 'mcp'] as const) {
    const tools = summary.tools[type];
    if (tools.calls > 0) parts.push(`tools=${type} ${tools.success}/${tools.calls}`);
  }
  const errors = Object.entries(summary.errors).filter(([, count]) => count > 0);
  if (errors.length > 0) parts.push(`errors=${errors.map(([name, count]) => `${name}:${count}`).join(',')}`);
  if (summary.guardrailHits > 0) parts.push(`guardrails=${summary.guardrailHits}`);
  if (record.outcome === 'error' && record.error)
    parts.push(`(${record.error.name}: ${record.error.message.slice(0, 80)})`);
  parts.push(`run=${record.runId.slice(0, 8)}`);
  return parts.join(' ');
}

/** Prints one compact line per finished run (see `formatInvocationLine`). */
export class ConsoleExporter implements InvocationExporter {
  readonly name = 'console';
  private readonly logger: Pick<Console, 'log'>;

  constructor(options: ConsoleExporterOptions = {}) {
    this.logger = options.logger ?? console;
  }

  export(record: InvocationRecord): void {
    try {
      this.logger.log(formatInvocationLine(record));
    } catch {
      // development output is best effort
    }
  }

  async flush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
