// A travel-planning graph built with LangGraph: a model node (ChatOpenAI with tools bound) and a
// ToolNode running two function tools and the MCP get_forecast tool (through
// @langchain/mcp-adapters), measured by the @metrics/langchain callback handler.
// Run: pnpm --filter @metrics-example/langgraph start
import { type ScriptStep, startExampleEnvironment, weatherMcpServer } from '@metrics-example/shared';
import { type AIMessage, AIMessageChunk } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { MultiServerMCPClient } from '@langchain/mcp-adapters';
import { ChatOpenAI } from '@langchain/openai';
import { MetricsCallbackHandler } from '@metrics/langchain';
import { z } from 'zod';

/** What the local model server answers (ignored with a real OPENAI_API_KEY). */
export const script: ScriptStep[] = [
  {
    toolCalls: [
      { name: 'get_forecast', arguments: { city: 'Kyoto' } },
      { name: 'find_trains', arguments: { from: 'Tokyo', to: 'Kyoto' } },
    ],
    usage: { input: 310, output: 36 },
    firstChunkDelayMs: 25,
  },
  {
    toolCalls: [{ name: 'find_trains', arguments: { from: 'Kyoto', to: 'Atlantis' } }],
    usage: { input: 480, output: 22, cached: 256 },
  },
  {
    text: 'Take the 08:00 Nozomi to Kyoto (sunny, 21°C); there is no train to Atlantis.',
    usage: { input: 575, output: 58, cached: 384, reasoning: 12 },
    firstChunkDelayMs: 15,
  },
];

const timetable: Record<string, string> = { 'Tokyo-Kyoto': 'Nozomi at 08:00, 10:00 and 12:00' };

const findTrains = tool(
  async ({ from, to }) => {
    const trains = timetable[`${from}-${to}`];
    if (!trains) throw new Error(`no train from ${from} to ${to}`); // counted as a failed tool call
    return trains;
  },
  {
    name: 'find_trains',
    description: 'Trains between two cities',
    schema: z.object({ from: z.string(), to: z.string() }),
  },
);

const bookSeat = tool(async ({ train }) => `seat 12A booked on ${train}`, {
  name: 'book_seat',
  description: 'Books a seat on a train',
  schema: z.object({ train: z.string() }),
});

export async function main(
  question = 'Plan a day trip from Tokyo to Kyoto, then on to Atlantis. How is the weather in Kyoto?',
): Promise<string> {
  const env = await startExampleEnvironment({ name: 'langgraph', script });
  const handler = new MetricsCallbackHandler({ exporters: env.exporters, sessionId: 'langgraph-example' });
  const mcp = new MultiServerMCPClient({
    mcpServers: { weather: { transport: 'stdio', ...weatherMcpServer() } },
  });
  try {
    const tools = [findTrains, bookSeat, ...(await mcp.getTools())];
    const model = new ChatOpenAI({
      model: env.model,
      apiKey: env.openaiApiKey,
      configuration: { baseURL: env.openaiBaseUrl },
    }).bindTools(tools);
    const graph = new StateGraph(MessagesAnnotation)
      .addNode('agent', async (state) => ({ messages: [await model.invoke(state.messages)] }))
      .addNode('tools', new ToolNode(tools, { handleToolErrors: true }))
      .addEdge(START, 'agent')
      .addConditionalEdges('agent', (state) => {
        const last = state.messages.at(-1) as AIMessage;
        return last.tool_calls?.length ? 'tools' : END;
      })
      .addEdge('tools', 'agent')
      .compile();
    // 'messages' mode streams the model's tokens (so time to first token is measured). Avoid
    // `streaming: true` with invoke(): @langchain/openai then estimates token counts with tiktoken,
    // which downloads its encoding from the internet.
    let answer = '';
    const stream = await graph.stream(
      { messages: [{ role: 'user', content: question }] },
      { streamMode: 'messages', callbacks: [handler] },
    );
    for await (const [chunk] of stream) if (AIMessageChunk.isInstance(chunk)) answer += chunk.text;
    return answer;
  } finally {
    await mcp.close();
    await handler.metrics.shutdown(); // delivers what was recorded
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
