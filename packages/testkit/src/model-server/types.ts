import type { IncomingHttpHeaders } from 'node:http';

/**
 * Token usage of one scripted answer. `input` is the total input INCLUDING cached and cache-write
 * tokens, `output` includes reasoning tokens, on every API; the server maps it to each API's own shape.
 */
export interface ScriptUsage {
  input: number;
  output: number;
  cached?: number;
  cacheWrite?: number;
  reasoning?: number;
}

/** Timing of an answer: the first content chunk waits `firstChunkDelayMs`, later ones `chunkDelayMs`. */
export interface ScriptTiming {
  firstChunkDelayMs?: number;
  chunkDelayMs?: number;
  /**
   * Destroys the connection after this many chunks of a streamed answer (0: right after the headers),
   * to test a stream cut mid-way. A non-streamed answer is dropped instead of sent.
   */
  dropAfterChunks?: number;
}

export interface ScriptToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
  id?: string;
}

export interface TextStep extends ScriptTiming {
  text: string;
  usage?: ScriptUsage;
  model?: string;
}

export interface ToolCallsStep extends ScriptTiming {
  toolCalls: ScriptToolCall[];
  text?: string;
  usage?: ScriptUsage;
  model?: string;
}

export interface ErrorStep {
  error: { status: number; message?: string; retryAfter?: number | string };
}

export interface DropStep {
  /** Destroys the connection without an answer. */
  drop: true;
}

export interface HangStep {
  /** Never answers (until the server closes). */
  hang: true;
}

export type ScriptStep = TextStep | ToolCallsStep | ErrorStep | DropStep | HangStep;

/** Which wire protocol a request used. */
export type ModelApi =
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic-messages'
  | 'gemini'
  | 'bedrock-converse'
  | 'models'
  | 'unknown';

/** One request the model server received. */
export interface RecordedModelRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (the raw text when it is not JSON, `undefined` when empty). */
  body: unknown;
  /** The `<key>` of the first `script:<key>` found in the body. */
  scriptKey?: string;
  api: ModelApi;
  stream: boolean;
  /** The step that answered it (`undefined` for `GET /v1/models` and unknown routes). */
  step?: ScriptStep;
  /** True when the queue was empty and the server answered with its "script ran out" error. */
  exhausted?: boolean;
  /** HTTP status answered (set once the answer starts; 0 for a dropped or hanging request). */
  status: number;
  receivedAt: number;
}

export interface ModelServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; loopback by default. */
  host?: string;
  /** Model id reported when neither the step nor the request names one. */
  defaultModel?: string;
  /** Usage reported when a step has none. */
  defaultUsage?: ScriptUsage;
  /**
   * Step used when a queue is empty, instead of the "script ran out" error. Handy for a server
   * started from the command line; tests should script every call instead.
   */
  fallback?: ScriptStep;
  /** Steps for the default queue, as `server.script(steps)` would add them. */
  script?: ScriptStep[];
  /** Per-conversation queues, as `server.script(key, steps)` would add them. */
  scripts?: Record<string, ScriptStep[]>;
  /**
   * Ids of scripted tool calls that do not name one: `'unique'` (the default) makes a fresh id
   * per call in the API's style (`call_…`, `toolu_…`); `'reuse'` numbers them within each answer
   * (`call_0`, `call_1`, …), as some providers and OpenAI-compatible servers do, so concurrent
   * conversations see the same ids. A step's own `id` always wins.
   */
  toolCallIds?: 'unique' | 'reuse';
}

export interface ModelServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** `${url}/v1`: chat completions at `/chat/completions`, responses at `/responses`. */
  readonly openaiBaseUrl: string;
  /** `url`: messages at `/v1/messages` (the server also answers `${url}/messages` for clients that expect `${url}/v1` as base). */
  readonly anthropicBaseUrl: string;
  /** `url`: Gemini at `/v1/models/{model}:generateContent` (any version prefix) (`new GoogleGenAI({ httpOptions: { baseUrl } })`). */
  readonly geminiBaseUrl: string;
  /**
   * A cleartext HTTP/2 endpoint for Bedrock Converse/ConverseStream (`/model/{id}/converse(-stream)`),
   * as the AWS SDK's default `NodeHttp2Handler` speaks (SigV4 accepted unchecked).
   */
  readonly bedrockEndpoint: string;
  /** `url`: the same Bedrock routes over HTTP/1.1, for a client given a `NodeHttpHandler`. */
  readonly bedrockHttp1Endpoint: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedModelRequest[];
  /** Requests answered with the "script ran out" error. */
  readonly exhausted: RecordedModelRequest[];
  /** Adds steps to the default queue, consumed in order. */
  script(steps: ScriptStep[]): void;
  /** Adds steps to a per-conversation queue: requests whose body contains `script:<key>` use it. */
  script(key: string, steps: ScriptStep[]): void;
  /** Steps not consumed yet, per queue (`''` is the default queue). */
  pending(): Record<string, number>;
  /** Forgets recorded requests and queued steps. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const DEFAULT_USAGE: ScriptUsage = { input: 10, output: 5 };
