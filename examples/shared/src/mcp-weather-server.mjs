// A small MCP server over stdio, used by every example as its MCP tool: `get_forecast`.
// Started by `weatherMcpServer()` (plain JavaScript, so any MCP client can spawn it with node).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'weather', version: '1.0.0' });

server.registerTool(
  'get_forecast',
  {
    description: 'Three-day weather forecast for a city',
    inputSchema: { city: z.string().describe('City name') },
  },
  async ({ city }) => ({
    content: [{ type: 'text', text: `${city}: sunny 21°C, cloudy 18°C, rain 15°C` }],
  }),
);

await server.connect(new StdioServerTransport());
