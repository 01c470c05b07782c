// An order agent on Google's Agent Development Kit (`@google/adk`): function tools, the MCP
// `get_forecast` tool (the ADK's MCPToolset over stdio) and a research agent used as a tool
// (AgentTool), streamed (SSE), measured by @metrics/google-adk.
// Run: pnpm --filter @metrics-example/google-adk start. With GEMINI_API_KEY set it talks to the
// Gemini API; otherwise to the local model server, scripted below.
import {
  AgentTool,
  FunctionTool,
  Gemini,
  InMemorySessionService,
  LlmAgent,
  MCPToolset,
  Runner,
  StreamingMode,
  setLogLevel,
  LogLevel,
} from '@google/adk';
import { type ScriptStep, startExampleEnvironment, weatherMcpServer } from '@metrics-example/shared';
import { MetricsPlugin } from '@metrics/google-adk';
import { z } from 'zod';

/** What the local model server answers (ignored with a real GEMINI_API_KEY). */
export const script: ScriptStep[] = [
  // the first request is rate-limited; genai retries it (retryOptions below): a throttle in the record
  { error: { status: 429, message: 'Resource exhausted', retryAfter: 0 } },
  {
    toolCalls: [
      { name: 'lookup_order', arguments: { id: 'A-17' } },
      { name: 'lookup_order', arguments: { id: 'B-99' } },
    ],
    usage: { input: 310, output: 20, cached: 128 },
    firstChunkDelayMs: 30,
  },
  { toolCalls: [{ name: 'get_forecast', arguments: { city: 'Porto' } }], usage: { input: 400, output: 18 } },
  {
    toolCalls: [{ name: 'researcher', arguments: { request: 'Is Porto delivery on time this week?' } }],
    usage: { input: 520, output: 22 },
  },
  // the research agent's own model call, in the AgentTool's runner (a member run of the same record)
  { text: 'Deliveries to Porto are on time this week.', usage: { input: 90, output: 12 } },
  {
    text: 'Order A-17 is out for delivery in Porto today (sunny, 21°C), on time; I could not find order B-99.',
    usage: { input: 700, output: 60, cached: 256, reasoning: 24 },
  },
];

const orders: Record<string, { status: string; city: string }> = {
  'A-17': { status: 'out for delivery', city: 'Porto' },
};

const lookupOrder = new FunctionTool({
  name: 'lookup_order',
  description: 'Status and delivery city of an order',
  parameters: z.object({ id: z.string() }),
  execute: async ({ id }) => {
    const order = orders[id];
    if (!order) throw new Error(`order ${id} not found`);
    return order;
  },
});

export async function main(question = 'Where are my orders A-17 and B-99? Will it rain on delivery?') {
  setLogLevel(LogLevel.ERROR); // the ADK logs every request at INFO (and warns of its experimental hooks)
  const env = await startExampleEnvironment({ name: 'google-adk', script });
  const apiKey = process.env.GEMINI_API_KEY;
  const model = new Gemini({
    model: process.env.GEMINI_MODEL ?? 'gemini-2.5-flash',
    apiKey: apiKey ?? 'local',
  });
  // per request: genai retries a 429 or 5xx only when retryOptions are set (each attempt is counted)
  const generateContentConfig = {
    httpOptions: {
      ...(apiKey ? {} : { baseUrl: env.geminiBaseUrl }),
      retryOptions: { attempts: 3, initialDelay: 0.05 },
    },
  };
  const metrics = new MetricsPlugin({ exporters: env.exporters });
  const researcher = new LlmAgent({
    name: 'researcher',
    description: 'Researches delivery conditions',
    instruction: 'Answer in one sentence.',
    model,
    generateContentConfig,
  });
  const agent = new LlmAgent({
    name: 'orders',
    instruction: 'Answer questions about orders and their delivery weather. Use the tools.',
    model,
    generateContentConfig,
    tools: [
      lookupOrder,
      new MCPToolset({ type: 'StdioConnectionParams', serverParams: weatherMcpServer() }),
      new AgentTool({ agent: researcher }),
    ],
  });
  const sessionService = new InMemorySessionService();
  // the plugin first: every runAsync() is one record, the researcher's run rolled in
  const runner = new Runner({ appName: 'orders', agent, sessionService, plugins: [metrics] });
  try {
    const session = await sessionService.createSession({ appName: 'orders', userId: 'customer-1' });
    let answer = '';
    for await (const event of runner.runAsync({
      userId: 'customer-1',
      sessionId: session.id,
      newMessage: { role: 'user', parts: [{ text: question }] },
      runConfig: { streamingMode: StreamingMode.SSE },
    })) {
      const text = event.content?.parts?.map((part) => part.text ?? '').join('');
      if (!event.partial && event.author === 'orders' && text) answer = text;
    }
    return answer;
  } finally {
    await metrics.shutdown(); // delivers what was recorded
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
