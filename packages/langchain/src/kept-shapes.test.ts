import type { DiagnosticEvent } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { describe, expect, it } from 'vitest';
import { MetricsCallbackHandler } from './handler.js';
import { runTemplate } from './kept-shapes.js';

describe('the template run the handler keeps', () => {
  it('goes through the whole handler: one record of 2 model calls and 1 tool call, no fault', () => {
    const exporter = new InMemoryExporter();
    const events: DiagnosticEvent[] = [];
    const handler = new MetricsCallbackHandler({
      exporters: [exporter],
      logger: false,
      diagnostics: (event) => events.push(event),
    });
    const kept = runTemplate(handler);
    const [record] = exporter.records;
    expect(exporter.records).toHaveLength(1);
    expect(record?.providerType).toBe('LANGCHAIN');
    // 10 + 5 (with cache and reasoning details of 0), then a streamed 20 + 3
    expect(record?.modelCalls.map((call) => [call.model, call.usage?.totalTokens, call.streamed])).toEqual([
      ['model', 15, false],
      ['model', 23, true],
    ]);
    expect(record?.toolCalls.map((call) => [call.name, call.outcome])).toEqual([['tool', 'success']]);
    expect(events.filter((event) => event.level === 'error' || event.level === 'warn')).toEqual([]);
    // the handler and the six run nodes it kept as they were while open
    expect(kept.filter((node) => node !== undefined)).toHaveLength(7);
    expect(handler.tree.openInvocations).toBe(0);
  });
});
