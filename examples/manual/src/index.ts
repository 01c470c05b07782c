// A support agent written by hand on the openai client, two function tools and one MCP tool,
// instrumented with the manual API of @metrics/core. Run: pnpm --filter @metrics-example/manual start
import { type ScriptStep, startExampleEnvironment, weatherMcpServer } from '@metrics-example/shared';
import { createMetrics, fromOpenAIChatUsage } from '@metrics/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import OpenAI from 'openai';

/** What the local model server answers (ignored with a real OPENAI_API_KEY). */
export const script: ScriptStep[] = [
  {
    toolCalls: [
      { name: 'get_forecast', arguments: { city: 'Lisbon' } },
      { name: 'lookup_order', arguments: { id: 'A-17' } },
    ],
    usage: { input: 420, output: 38 },
    firstChunkDelayMs: 30,
  },
  {
    toolCalls: [{ name: 'lookup_order', arguments: { id: 'B-99' } }],
    usage: { input: 610, output: 25, cached: 384 },
  },
  {
    text: 'Order A-17 ships tomorrow; B-99 does not exist. Lisbon will be sunny, 21°C.',
    usage: { input: 700, output: 90, cached: 512, reasoning: 32 },
    firstChunkDelayMs: 20,
  },
];

const orders: Record<string, string> = { 'A-17': 'ships tomorrow' };
const functionTools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Status of an order',
      parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    },
  },
];

export async function main(
  question = 'Where are my orders A-17 and B-99, and the weather in Lisbon?',
): Promise<string> {
  const env = await startExampleEnvironment({ name: 'manual', script });
  const metrics = createMetrics({ exporters: env.exporters });
  const client = new OpenAI({ apiKey: env.openaiApiKey, baseURL: env.openaiBaseUrl, maxRetries: 0 });
  const mcp = new Client({ name: 'manual-example', version: '1.0.0' });
  await mcp.connect(new StdioClientTransport(weatherMcpServer()));
  const mcpTools = (await mcp.listTools()).tools;
  const tools: OpenAI.Chat.ChatCompletionTool[] = [
    ...functionTools,
    ...mcpTools.map((t) => ({
      type: 'function' as const,
      function: { name: t.name, description: t.description ?? '', parameters: t.inputSchema },
    })),
  ];
  try {
    return await metrics.withInvocation({ model: env.model, sessionId: 'manual-example' }, async (run) => {
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: question }];
      for (let turn = 0; turn < 5; turn++) {
        const call = run.startModelCall({ model: env.model, streamed: true });
        const toolCalls: Array<{ id: string; name: string; arguments: string }> = [];
        let text = '';
        try {
          const stream = await client.chat.completions.create({
            model: env.model,
            messages,
            tools,
            stream: true,
            stream_options: { include_usage: true },
          });
          let usage: unknown;
          for await (const chunk of stream) {
            const delta = chunk.choices[0]?.delta;
            if (delta?.content || delta?.tool_calls) call.firstToken();
            text += delta?.content ?? '';
            for (const part of delta?.tool_calls ?? []) {
              toolCalls[part.index] ??= { id: '', name: '', arguments: '' };
              const slot = toolCalls[part.index]!;
              slot.id ||= part.id ?? '';
              slot.name += part.function?.name ?? '';
              slot.arguments += part.function?.arguments ?? '';
            }
            if (chunk.usage) usage = chunk.usage;
          }
          call.end({ usage: fromOpenAIChatUsage(usage) });
        } catch (error) {
          call.fail(error);
          throw error;
        }
        if (toolCalls.length === 0) return text;
        messages.push({
          role: 'assistant',
          tool_calls: toolCalls.map((t) => ({
            id: t.id,
            type: 'function',
            function: { name: t.name, arguments: t.arguments },
          })),
        });
        for (const toolCall of toolCalls) {
          const isMcp = mcpTools.some((t) => t.name === toolCall.name);
          const tool = run.startToolCall({
            name: toolCall.name,
            type: isMcp ? 'mcp' : 'api',
            callId: toolCall.id,
          });
          let content: string;
          try {
            const args = JSON.parse(toolCall.arguments || '{}');
            if (isMcp) {
              const result = await mcp.callTool({ name: toolCall.name, arguments: args });
              content = (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n');
            } else {
              const status = orders[args.id];
              if (!status) throw new Error(`order ${args.id} not found`);
              content = status;
            }
            tool.end();
          } catch (error) {
            tool.fail(error);
            content = `Error: ${(error as Error).message}`;
          }
          messages.push({ role: 'tool', tool_call_id: toolCall.id, content });
        }
      }
      throw new Error('the agent did not finish in 5 turns');
    });
  } finally {
    await mcp.close();
    await metrics.shutdown(); // delivers what was recorded
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
