// packages/ai-sdk/README.md, first block, verbatim (readme-snippets.test.ts checks it).
import type { InvocationExporter } from '@metrics/core';

declare const exporter: InvocationExporter;

import { registerTelemetry } from 'ai';
import { aiSdkTelemetry } from '@metrics/ai-sdk';

registerTelemetry(aiSdkTelemetry({ exporters: [exporter] })); // AI SDK 7: every call from now on
