// The MetricsTracingProcessor block of packages/openai-agents/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import type { InvocationExporter } from '@metrics/core';

// The free variable the snippet uses.
declare const exporter: InvocationExporter;

import { MetricsTracingProcessor } from '@metrics/openai-agents';
import { addTraceProcessor } from '@openai/agents';

addTraceProcessor(new MetricsTracingProcessor({ exporters: [exporter] }));
