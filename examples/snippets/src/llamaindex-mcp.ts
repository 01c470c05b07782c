// The "MCP tools" block of packages/llamaindex/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import { mcp } from '@llamaindex/tools';

// The free variables the snippet uses (`Client` is imported by the snippet itself).
const client = new Client({ name: 'my-app', version: '1.0.0' });
declare const url: string;

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { markMcp, mcpTools } from '@metrics/llamaindex';

const tools = await mcpTools(client);                 // an MCP SDK client's tools as LlamaIndex tools, typed mcp
const more = markMcp(await mcp({ url }).tools());     // or mark the tools of @llamaindex/tools' mcp()

export { tools, more };
