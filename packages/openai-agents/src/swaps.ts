import type { Agent, Runner } from '@openai/agents';
import { isModel, meterModel, meterModelProvider } from './metered-model.js';

/** The most agents one run's graph walk visits (handoff cycles are followed once). */
const MAX_AGENTS = 1_000;

type AnyAgent = Agent<any, any>;

/**
 * Every object of the user's that an instrumentation changed (a runner's `run` and model
 * provider, agents' `model`), with what was there before, so `uninstrument()` puts it back.
 */
export class Swaps {
  private readonly done: Array<{
    target: object;
    key: string;
    own: boolean;
    before: unknown;
    value: unknown;
  }> = [];

  /** Sets `target[key]` to `value`, remembering what was there. */
  set(target: object, key: string, value: unknown): void {
    const fields = target as Record<string, unknown>;
    this.done.push({ target, key, own: Object.hasOwn(target, key), before: fields[key], value });
    fields[key] = value;
  }

  /** Puts back every value this instrumentation set that nothing else replaced since, newest first. */
  restore(): void {
    for (const { target, key, own, before, value } of this.done.reverse()) {
      const fields = target as Record<string, unknown>;
      if (fields[key] !== value) continue;
      if (own) fields[key] = before;
      else delete fields[key];
    }
    this.done.length = 0;
  }
}

/**
 * Puts a metered proxy in place of every `Model` instance the run can reach: the starting agent,
 * its handoff targets (recursively) and the run-config model. String model names are metered by
 * the wrapping `ModelProvider` instead.
 */
export function meterReachableModels(start: AnyAgent, runner: Runner, swaps: Swaps): void {
  const config = runner.config as { model?: unknown; modelProvider?: unknown };
  if (isModel(config.model)) swapModel(config, swaps);
  if (config.modelProvider && typeof config.modelProvider === 'object') {
    const metered = meterModelProvider(config.modelProvider as Parameters<typeof meterModelProvider>[0]);
    if (metered !== config.modelProvider) swaps.set(config, 'modelProvider', metered);
  }
  const seen = new Set<object>();
  const queue: unknown[] = [start];
  while (queue.length > 0 && seen.size < MAX_AGENTS) {
    const agent = queue.pop() as AnyAgent | undefined;
    if (typeof agent !== 'object' || agent === null || seen.has(agent)) continue;
    seen.add(agent);
    if (isModel(agent.model)) swapModel(agent, swaps);
    if (Array.isArray(agent.handoffs))
      for (const handoff of agent.handoffs) queue.push((handoff as { agent?: unknown }).agent ?? handoff);
  }
}

function swapModel(owner: { model?: unknown }, swaps: Swaps): void {
  const metered = meterModel(owner.model as Parameters<typeof meterModel>[0]);
  if (metered !== owner.model) swaps.set(owner, 'model', metered);
}
