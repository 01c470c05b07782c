// packages/ai-sdk/README.md, second block, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import type { InvocationExporter } from '@metrics/core';
import { openai } from '@ai-sdk/openai';

declare const exporter: InvocationExporter;

import { wrapLanguageModel } from 'ai';
import { aiSdkMiddleware } from '@metrics/ai-sdk';

const model = wrapLanguageModel({ model: openai('gpt-4o'), middleware: aiSdkMiddleware({ exporters: [exporter] }) });

export { model };
