import { normalizeUsage } from './answer.js';
import type { ModelServerOptions, ScriptStep } from './types.js';

/** The key of the default queue (requests without a `script:<key>` of a scripted queue). */
export const DEFAULT_QUEUE = '';
const SCRIPT_KEY = /script:([A-Za-z0-9_.:-]*[A-Za-z0-9_])/;

/** The `<key>` of the first `script:<key>` in a request body. */
export function scriptKeyOf(raw: string): string | undefined {
  return SCRIPT_KEY.exec(raw)?.[1];
}

function checkTiming(step: ScriptStep, where: string): void {
  for (const field of ['firstChunkDelayMs', 'chunkDelayMs', 'dropAfterChunks'] as const) {
    const value = (step as Partial<Record<typeof field, number>>)[field];
    if (value !== undefined && (!Number.isFinite(value) || value < 0))
      throw new TypeError(`${where}.${field} must be a non-negative number, got ${value}`);
  }
}

/** Checks a step when it is scripted, so a typo fails the test that wrote it, not a later request. */
export function validateStep(step: ScriptStep, where: string): void {
  if (typeof step !== 'object' || step === null) throw new TypeError(`${where} must be an object`);
  if ('error' in step) {
    const status = step.error?.status;
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new TypeError(`${where}.error.status must be an HTTP error status (400-599), got ${status}`);
    return;
  }
  if ('drop' in step || 'hang' in step) return;
  if ('toolCalls' in step) {
    if (!Array.isArray(step.toolCalls) || step.toolCalls.length === 0)
      throw new TypeError(`${where}.toolCalls must be a non-empty array`);
    step.toolCalls.forEach((call, i) => {
      if (typeof call?.name !== 'string' || call.name === '')
        throw new TypeError(`${where}.toolCalls[${i}].name must be a non-empty string`);
    });
  } else if (typeof (step as { text?: unknown }).text !== 'string') {
    throw new TypeError(`${where} must have text, toolCalls, error, drop or hang`);
  }
  normalizeUsage((step as { usage?: undefined }).usage, { input: 0, output: 0 });
  checkTiming(step, where);
}

/**
 * The scripted steps: a default queue and per-conversation queues (requests whose body holds
 * `script:<key>`), consumed in order, with an optional fallback step when a queue is empty.
 */
export class ScriptQueues {
  private readonly queues = new Map<string, ScriptStep[]>();

  private constructor(private readonly fallback: ScriptStep | undefined) {}

  /** The queues the server starts with (`script`, `scripts`), every step validated, the fallback last. */
  static from(options: Pick<ModelServerOptions, 'script' | 'scripts' | 'fallback'>): ScriptQueues {
    const queues = new ScriptQueues(options.fallback);
    if (options.script) queues.enqueue(DEFAULT_QUEUE, options.script);
    for (const [key, steps] of Object.entries(options.scripts ?? {})) queues.enqueue(key, steps);
    if (options.fallback) validateStep(options.fallback, 'fallback');
    return queues;
  }

  /** Validates and appends steps to a queue (`DEFAULT_QUEUE` or a key). */
  enqueue(key: string, steps: ScriptStep[]): void {
    if (!Array.isArray(steps)) throw new TypeError('script steps must be an array');
    steps.forEach((step, i) => {
      validateStep(step, `${key === DEFAULT_QUEUE ? 'script' : `script("${key}")`}[${i}]`);
    });
    const queue = this.queues.get(key) ?? [];
    queue.push(...steps);
    this.queues.set(key, queue);
  }

  /** `server.script(steps)` or `server.script(key, steps)`. */
  script(keyOrSteps: string | ScriptStep[], maybeSteps?: ScriptStep[]): void {
    if (typeof keyOrSteps === 'string') {
      if (keyOrSteps === '') throw new TypeError('a script key must not be empty');
      this.enqueue(keyOrSteps, maybeSteps ?? []);
    } else this.enqueue(DEFAULT_QUEUE, keyOrSteps);
  }

  /** The next step for a request: its key's queue when one was scripted, else the default queue. */
  take(scriptKey: string | undefined): { step?: ScriptStep; queue: string } {
    const queue = scriptKey !== undefined && this.queues.has(scriptKey) ? scriptKey : DEFAULT_QUEUE;
    const step = this.queues.get(queue)?.shift();
    return step ? { step, queue } : { ...(this.fallback ? { step: this.fallback } : {}), queue };
  }

  /** Steps not consumed yet, per non-empty queue. */
  pending(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, queue] of this.queues) if (queue.length > 0) out[key] = queue.length;
    return out;
  }

  clear(): void {
    this.queues.clear();
  }
}
