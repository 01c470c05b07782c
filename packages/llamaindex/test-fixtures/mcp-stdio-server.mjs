// A real MCP server over stdio (for the @llamaindex/tools mcp() test): one tool, `lookup`.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'stdio-test-mcp', version: '1.0.0' });
server.registerTool(
  'lookup',
  { description: 'Looks a word up', inputSchema: { word: z.string() } },
  async ({ word }) => ({ content: [{ type: 'text', text: `${word}: a word` }] }),
);
await server.connect(new StdioServerTransport());
