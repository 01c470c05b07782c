import { tool } from '@langchain/core/tools';
import type { InvocationRecord } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { type AgentMiddleware, createAgent } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MetricsCallbackHandler } from './handler.js';
import { createMetricsMiddleware } from './middleware.js';
import { openai, payload, weather } from './test-helpers.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});

describe.each(['handler', 'middleware'] as const)('a sub-agent called from a tool (%s)', (mode) => {
  it('rolls the sub-agent into the parent record', async () => {
    const exporter = new InMemoryExporter();
    const options = { exporters: [exporter], logger: false as const };
    const handler = mode === 'handler' ? new MetricsCallbackHandler(options) : undefined;
    const middleware: AgentMiddleware[] = mode === 'middleware' ? [createMetricsMiddleware(options)] : [];
    const child = createAgent({ model: openai(server), tools: [weather], middleware });
    const research = tool(
      async ({ key }: { key: string }) => {
        const result = await child.invoke({
          messages: [{ role: 'user', content: `script:${key} research` }],
        });
        return String(result.messages.at(-1)?.content);
      },
      { name: 'research', description: 'Asks a sub-agent', schema: z.object({ key: z.string() }) },
    );
    const parent = createAgent({ model: openai(server), tools: [research], middleware });
    const parentKey = `sub-parent-${mode}`;
    const childKey = `sub-child-${mode}`;
    server.script(parentKey, [
      {
        toolCalls: [{ name: 'research', arguments: { key: childKey }, id: `${parentKey}-1` }],
        usage: { input: 10, output: 4 },
      },
      { text: 'Parent done.', usage: { input: 30, output: 6 } },
    ]);
    server.script(childKey, [
      {
        toolCalls: [{ name: 'weather', arguments: { city: 'Kyiv' }, id: `${childKey}-1` }],
        usage: { input: 100, output: 40 },
      },
      { text: 'Child done.', usage: { input: 200, output: 60 } },
    ]);
    const result = await parent.invoke(
      { messages: [{ role: 'user', content: `script:${parentKey} go` }] },
      handler ? { callbacks: [handler] } : {},
    );
    expect(result.messages.at(-1)?.content).toBe('Parent done.');
    expect(exporter.records).toHaveLength(1);
    const record = exporter.records[0] as InvocationRecord;
    expect(payload(record)).toMatchObject({
      providerType: 'LANGCHAIN',
      inputTokenCount: 340,
      outputTokenCount: 110,
      modelInvocationCount: 4,
      tools: [{ toolType: 'api', toolCalls: 2, successCount: 2, failureCount: 0 }],
    });
    if (mode === 'handler') expect(record.members.map((m) => m.memberKind)).toEqual(['subagent']);
  });
});
