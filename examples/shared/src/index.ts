// The one start-up switch of the examples. Nothing else in an example knows whether it talks to
// a real provider and endpoint or to the local stand-ins:
// - OPENAI_API_KEY set (and optionally OPENAI_BASE_URL): the real provider; otherwise the testkit's
//   model server, started in-process and scripted with the example's own script.
// - AI_METRICS_ENDPOINT set (with its credentials): records go there; otherwise to the testkit's
//   reference collector, storing what it accepted in .metrics/collector.db.
// Every run also appends JSONL events to AI_METRICS_EVENTS_FILE (default .metrics/events.jsonl).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type InvocationExporter, createResourceMetricsExporter } from '@metrics/core';
import { JsonlExporter } from '@metrics/core/node';
import { type ScriptStep, startCollector, startModelServer } from '@metrics/testkit';

export type { ScriptStep };

export interface ExampleEnvironment {
  /** Base URL for an OpenAI-compatible client (`undefined`: the provider's default). */
  openaiBaseUrl: string | undefined;
  openaiApiKey: string;
  /** Base URL for an Anthropic client. */
  anthropicBaseUrl: string | undefined;
  /** Base URL for a Gemini client (`httpOptions.baseUrl`; `undefined`: Google's). */
  geminiBaseUrl: string | undefined;
  /** Model id to ask for. */
  model: string;
  /** Exporters to hand to the adapter: resourceMetrics HTTP + JSONL events. */
  exporters: InvocationExporter[];
  /** True when talking to the local model server. */
  local: boolean;
  /** Stops the local servers (shut the exporters down first, e.g. with `metrics.shutdown()`). */
  close(): Promise<void>;
}

export async function startExampleEnvironment(options: {
  name: string;
  script: ScriptStep[] | Record<string, ScriptStep[]>;
}): Promise<ExampleEnvironment> {
  const closers: Array<() => Promise<void>> = [];
  let openaiBaseUrl = process.env.OPENAI_BASE_URL;
  let anthropicBaseUrl = process.env.ANTHROPIC_BASE_URL;
  let geminiBaseUrl = process.env.GEMINI_BASE_URL;
  let openaiApiKey = process.env.OPENAI_API_KEY;
  const local = !openaiApiKey;
  if (local) {
    const server = await startModelServer();
    if (Array.isArray(options.script)) server.script(options.script);
    else for (const [key, steps] of Object.entries(options.script)) server.script(key, steps);
    openaiBaseUrl = server.openaiBaseUrl;
    anthropicBaseUrl = server.anthropicBaseUrl;
    geminiBaseUrl = server.geminiBaseUrl;
    openaiApiKey = 'local-model-server';
    closers.push(() => server.close());
  }
  const eventsFile = resolve(process.env.AI_METRICS_EVENTS_FILE ?? '.metrics/events.jsonl');
  mkdirSync(dirname(eventsFile), { recursive: true });
  let endpointOptions: Parameters<typeof createResourceMetricsExporter>[0] = {};
  if (!process.env.AI_METRICS_ENDPOINT) {
    const databasePath = resolve(process.env.AI_METRICS_COLLECTOR_DB ?? '.metrics/collector.db');
    const collector = await startCollector({ token: 'local-collector-token', databasePath });
    closers.push(() => collector.close());
    endpointOptions = {
      endpoint: collector.endpoint,
      token: 'local-collector-token',
      accountId: LOCAL_ACCOUNT_ID,
    };
  }
  const http = createResourceMetricsExporter(endpointOptions);
  const jsonl = new JsonlExporter({ path: eventsFile });
  return {
    openaiBaseUrl,
    anthropicBaseUrl,
    geminiBaseUrl,
    openaiApiKey: openaiApiKey!,
    model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini',
    exporters: [http, jsonl],
    local,
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}

/** How to start the examples' MCP server (stdio): `{ command, args }` for any MCP client. */
export function weatherMcpServer(): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [fileURLToPath(new URL('./mcp-weather-server.mjs', import.meta.url))],
  };
}

/** The examples' accounts id when they talk to the local collector. */
export const LOCAL_ACCOUNT_ID = '00000000-0000-4000-8000-000000000000';
