// The createAgent middleware block of packages/langchain/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import type { InvocationExporter } from '@metrics/core';
import { ChatOpenAI } from '@langchain/openai';
import { createAgent, tool } from 'langchain';
import { z } from 'zod';

// The free variables the snippet uses (and `createAgent`, imported above from 'langchain').
declare const exporter: InvocationExporter;
const model = new ChatOpenAI({ model: 'gpt-4o-mini' });
const tools = [
  tool(async ({ city }) => `Sunny in ${city}`, {
    name: 'get_weather',
    description: 'The weather in a city',
    schema: z.object({ city: z.string() }),
  }),
];

import { createMetricsMiddleware } from '@metrics/langchain/middleware';

const agent = createAgent({ model, tools, middleware: [createMetricsMiddleware({ exporters: [exporter] })] });

export { agent };
