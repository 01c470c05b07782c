// The ```ts blocks of packages/testkit/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
import type { CollectorOptions, ModelServerOptions, ScriptStep as TestkitScriptStep } from '@metrics/testkit';
import type { ScriptUsage as TestkitScriptUsage } from '@metrics/testkit';

// Quickstart
import OpenAI from 'openai';
import { startCollector, startModelServer } from '@metrics/testkit';

const server = await startModelServer();
server.script([{ text: 'Hello!', usage: { input: 12, output: 3 } }]);
const openai = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' });
const reply = await openai.chat.completions.create({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'hi' }],
});
// reply.choices[0].message.content === 'Hello!', reply.usage.prompt_tokens === 12

const collector = await startCollector({ token: 'secret' });
// point an exporter at collector.endpoint with token 'secret', then assert on collector.records
await Promise.all([server.close(), collector.close()]);

export { reply };

// "The model server": the options are the snippet's free variables, typed by the real options.
export async function modelServerApi(
  { port, host, defaultModel, defaultUsage, fallback, script, scripts, toolCallIds }: ModelServerOptions,
  steps: TestkitScriptStep[],
) {
  const server = await startModelServer({ port, host, defaultModel, defaultUsage, fallback, script, scripts, toolCallIds }); // all optional
  server.url;              // http://127.0.0.1:PORT
  server.openaiBaseUrl;    // `${url}/v1`
  server.anthropicBaseUrl; // url
  server.geminiBaseUrl;    // url: new GoogleGenAI({ httpOptions: { baseUrl } })
  server.bedrockEndpoint;  // cleartext HTTP/2, as BedrockRuntimeClient speaks by default: { endpoint }
  server.script(steps);            // the default queue, consumed in order
  server.script('alice', steps);   // a per-conversation queue
  server.requests;   // every request: { method, path, headers, body (parsed), scriptKey?, api, stream, status, step?, exhausted? }
  server.exhausted;  // requests that found their queue empty
  server.pending();  // { '': 1, alice: 0 … } steps not consumed yet (only non-empty queues)
  server.reset();    // forget requests and queues
  await server.close();
}

// "Script steps": the documented types are exactly the exported ones.
export function scriptStepTypes() {
  type ScriptUsage = {
    input: number;
    output: number;
    cached?: number;
    cacheWrite?: number;
    reasoning?: number;
  };
  type ScriptStep =
    | {
        text: string;
        usage?: ScriptUsage;
        model?: string;
        firstChunkDelayMs?: number;
        chunkDelayMs?: number;
        dropAfterChunks?: number; // cut the stream after n chunks
      }
    | {
        toolCalls: Array<{ name: string; arguments: Record<string, unknown> | string; id?: string }>;
        text?: string;
        usage?: ScriptUsage;
        model?: string;
        firstChunkDelayMs?: number;
        chunkDelayMs?: number;
        dropAfterChunks?: number;
      }
    | { error: { status: number; message?: string; retryAfter?: number | string } }
    | { drop: true } // destroys the connection
    | { hang: true }; // never answers (until close)

  type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
  const usageMatches: Same<ScriptUsage, TestkitScriptUsage> = true;
  const stepMatches: Same<ScriptStep, TestkitScriptStep> = true;
  return [usageMatches, stepMatches];
}

// "The collector"
export async function collectorApi({
  port,
  host,
  path,
  token,
  user,
  password,
  origin,
  successStatus,
  latencyMs,
  databasePath,
}: CollectorOptions) {
  const collector = await startCollector({ // all optional
    port, host,
    path,                  // '/v1/resourceMetrics'
    token,                 // accept Authorization: Bearer <token>
    user, password,        // accept Authorization: Basic base64(user:password)
    origin,                // require this Origin header (403 otherwise)
    successStatus,         // 200 (default) or 202
    latencyMs,             // added to every answer
    databasePath,          // persist to SQLite (node:sqlite)
  });
  collector.endpoint;      // full URL to POST {"resourceMetrics": [...]} to
  collector.records;       // ResourceMetric[] accepted so far
  collector.requests;      // every request: { method, path, headers, body, bytes, status, accepted, issues?, error?, injected? }
  collector.failNext(2, 503, { retryAfter: 1 }); // the next 2 requests get 503 + Retry-After
  collector.dropNext(1);   // the next request's connection is destroyed
  collector.setLatency(200);
  await collector.waitForRecords(3, { timeoutMs: 5000 }); // rejects on timeout or close()
  await collector.stop();  // down: connections refused…
  await collector.start(); // …and back on the same port
  collector.reset();
  await collector.close();
}
