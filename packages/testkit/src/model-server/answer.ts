import { randomBytes } from 'node:crypto';
import {
  DEFAULT_MODEL,
  DEFAULT_USAGE,
  type ScriptUsage,
  type TextStep,
  type ToolCallsStep,
} from './types.js';

export interface AnswerToolCall {
  /** The id the script gave, if any (each API otherwise makes one in its own style). */
  id?: string;
  name: string;
  /** The arguments as the JSON text the API sends. */
  arguments: string;
  argumentPieces: string[];
}

/** A scripted text / tool-call step, normalized once for every API renderer. */
export interface Answer {
  model: string;
  text: string;
  textPieces: string[];
  toolCalls: AnswerToolCall[];
  usage: Required<ScriptUsage>;
  firstChunkDelayMs: number;
  chunkDelayMs: number;
  dropAfterChunks?: number;
}

/** Splits text the way a tokenizer-ish stream would deliver it: words with their trailing space. */
export function splitText(text: string): string[] {
  if (text === '') return [];
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

/** Splits a JSON argument string into short pieces, as tool-call argument deltas arrive. */
export function splitArguments(json: string, size = 8): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < json.length; i += size) pieces.push(json.slice(i, i + size));
  return pieces;
}

export function randomId(prefix: string, length = 24): string {
  return `${prefix}${randomBytes(length).toString('base64url').replace(/[-_]/g, 'x').slice(0, length)}`;
}

function count(value: number | undefined, field: string): number {
  const n = value ?? 0;
  if (!Number.isInteger(n) || n < 0)
    throw new TypeError(`script usage.${field} must be a non-negative integer, got ${n}`);
  return n;
}

export function normalizeUsage(
  usage: ScriptUsage | undefined,
  fallback: ScriptUsage = DEFAULT_USAGE,
): Required<ScriptUsage> {
  const u = usage ?? fallback;
  const result = {
    input: count(u.input, 'input'),
    output: count(u.output, 'output'),
    cached: count(u.cached, 'cached'),
    cacheWrite: count(u.cacheWrite, 'cacheWrite'),
    reasoning: count(u.reasoning, 'reasoning'),
  };
  if (result.cached + result.cacheWrite > result.input)
    throw new TypeError(
      'script usage.input must include usage.cached and usage.cacheWrite (input >= cached + cacheWrite)',
    );
  if (result.reasoning > result.output)
    throw new TypeError('script usage.output must include usage.reasoning (output >= reasoning)');
  return result;
}

export function toAnswer(
  step: TextStep | ToolCallsStep,
  requestModel: unknown,
  defaults: { model?: string; usage?: ScriptUsage; toolCallIds?: 'unique' | 'reuse' },
): Answer {
  const text = step.text ?? '';
  const toolCalls = 'toolCalls' in step ? step.toolCalls : [];
  return {
    model:
      step.model ??
      (typeof requestModel === 'string' && requestModel !== ''
        ? requestModel
        : (defaults.model ?? DEFAULT_MODEL)),
    text,
    textPieces: splitText(text),
    toolCalls: toolCalls.map((call, index) => {
      const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
      const id = call.id ?? (defaults.toolCallIds === 'reuse' ? `call_${index}` : undefined);
      return {
        ...(id ? { id } : {}),
        name: call.name,
        arguments: args,
        argumentPieces: splitArguments(args),
      };
    }),
    usage: normalizeUsage(step.usage, defaults.usage),
    firstChunkDelayMs: step.firstChunkDelayMs ?? 0,
    chunkDelayMs: step.chunkDelayMs ?? 0,
    ...(step.dropAfterChunks !== undefined ? { dropAfterChunks: step.dropAfterChunks } : {}),
  };
}

/** Parses tool-call arguments as an object (Anthropic sends `input` as an object). */
export function argumentsObject(call: AnswerToolCall): unknown {
  try {
    return JSON.parse(call.arguments);
  } catch {
    return {};
  }
}

/**
 * An SSE stream as a list of frames: the first waits `firstChunkDelayMs`, each later one `chunkDelayMs`.
 * Each frame is a list of already-encoded SSE events.
 */
export type Frames = string[][];

export function sseEvent(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}

/** Time the whole answer takes, so a non-streamed answer takes as long as its streamed twin. */
export function answerDuration(answer: Answer, frames: number): number {
  return answer.firstChunkDelayMs + Math.max(0, frames - 1) * answer.chunkDelayMs;
}

export function contentFrameCount(answer: Answer): number {
  let n = answer.textPieces.length;
  for (const call of answer.toolCalls) n += 1 + call.argumentPieces.length;
  return Math.max(1, n);
}
