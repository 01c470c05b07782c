// packages/ai-sdk/README.md, second block, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import { openai } from '@ai-sdk/openai';
import { createMetricsMiddleware } from '@metrics/ai-sdk';
import { ConsoleExporter } from '@metrics/core';
import { generateText, wrapLanguageModel } from 'ai';

const metrics = createMetricsMiddleware({ exporters: [new ConsoleExporter()] });
const model = wrapLanguageModel({ model: openai('gpt-4o-mini'), middleware: metrics });

const { text } = await generateText({ model, prompt: 'What is 2 + 3?' });

await metrics.shutdown(); // before exit: ends the runs still open, delivers the last records

export { model, text };
