// The "instrument() / run()" block of packages/llamaindex/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there

import { SimpleChatEngine } from 'llamaindex';
import { OpenAI } from '@llamaindex/openai';
import { agent } from '@llamaindex/workflow';
import { createResourceMetricsExporter } from '@metrics/core';
import { MetricsCallbackManager } from '@metrics/llamaindex';

const metrics = new MetricsCallbackManager({ exporters: [createResourceMetricsExporter()] });
const llm = new OpenAI({ model: 'gpt-4o-mini' }); // include_usage is asked for per call once instrumented

// an instrumented workflow: each run() / runStream() is one record, with per-run options and model errors
const myAgent = metrics.instrument(agent({ llm }), { sessionId: 'conversation-7' });
const result = await myAgent.run('What is 2 + 3?');

// anything else (chat engines, query engines, legacy agents, llm.chat): one record per call
const chatEngine = new SimpleChatEngine({ llm });
const reply = await metrics.run(() => chatEngine.chat({ message: 'hi' }));

metrics.uninstrument(); // puts back every method instrument()/run() replaced
await metrics.shutdown();

export { result, reply };
