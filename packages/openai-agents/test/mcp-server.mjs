// A real MCP server (stdio) for the end-to-end tests: `lookup_order`.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'orders', version: '1.0.0' });
server.registerTool(
  'lookup_order',
  { description: 'Looks up an order by id', inputSchema: { id: z.string() } },
  async ({ id }) => ({ content: [{ type: 'text', text: `order ${id}: shipped` }] }),
);
await server.connect(new StdioServerTransport());
