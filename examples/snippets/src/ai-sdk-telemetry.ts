// packages/ai-sdk/README.md, first block, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import { openai } from '@ai-sdk/openai';
import { createMetricsTelemetry } from '@metrics/ai-sdk';
import { ConsoleExporter } from '@metrics/core';
import { generateText, registerTelemetry } from 'ai';

const telemetry = createMetricsTelemetry({ exporters: [new ConsoleExporter()] });
registerTelemetry(telemetry); // AI SDK 7: every call from now on is one record

const { text } = await generateText({ model: openai('gpt-4o-mini'), prompt: 'What is 2 + 3?' });

await telemetry.shutdown(); // before exit: delivers the last records

export { text };
