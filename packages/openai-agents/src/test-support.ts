// Shared by the package's test files (not part of the build): tools, the error counters a clean
// run has, and the real MCP server over stdio.
import { fileURLToPath } from 'node:url';
import { MCPServerStdio, tool } from '@openai/agents';
import { z } from 'zod';

/** The error counters of a run with no error. */
export const NO_ERRORS = {
  invocationServerErrors: 0,
  invocationClientErrors: 0,
  modelInvocationThrottles: 0,
  modelInvocationClientErrors: 0,
  modelInvocationServerErrors: 0,
  modelInvocationUnknownErrors: 0,
  guardrailHits: 0,
};

export const getWeather = tool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `sunny in ${city}`,
});

export const explode = tool({
  name: 'explode',
  description: 'Always fails',
  parameters: z.object({}),
  execute: async () => {
    throw new Error('tool exploded');
  },
});

/** A connected MCP server (stdio) with one tool, `lookup_order`. */
export async function startMcpServer(): Promise<MCPServerStdio> {
  const mcp = new MCPServerStdio({
    command: process.execPath,
    args: [fileURLToPath(new URL('../test/mcp-server.mjs', import.meta.url))],
    name: 'orders',
    cacheToolsList: true,
  });
  await mcp.connect();
  return mcp;
}
