import { type StrandsUsageOptions, readField } from '@metrics/core';
import { type SmithyClient, addSmithyAttemptsMiddleware } from '@metrics/core/adapter';
import { cacheInInput } from './strands-shapes.js';

/** What the adapter needs to know of a Strands model, learnt once per model object. */
export interface ModelTraits {
  /** Whether the provider counts the prompt cache inside `inputTokens`. */
  readonly cacheInInput: boolean;
  /**
   * An AWS SDK (Smithy) client: Bedrock, which can answer without streaming (`stream: false`) and
   * whose `totalTokens` counts the cache.
   */
  readonly smithy: boolean;
  /** How the provider's usage maps (`fromStrandsUsage`), made once per model, not per call. */
  readonly usageOptions: StrandsUsageOptions;
}

const TRAITS = new WeakMap<object, ModelTraits>();

/** The usage mapping of a model whose traits are unknown. */
const DEFAULT_USAGE_OPTIONS: StrandsUsageOptions = Object.freeze({
  cacheInInput: true,
  totalIncludesCache: false,
});

/**
 * The model's traits. The first time a Bedrock model (by shape: its client has a Smithy
 * middleware stack) is seen, its client gets the core's attempts middleware: the AWS SDK sends
 * over HTTP/2, which Node's diagnostics channels do not show, so each attempt (the AWS SDK's own
 * retries included) is noted from inside the client instead.
 */
export function traitsOf(model: unknown): ModelTraits {
  if (typeof model !== 'object' || model === null) return newTraits(true, false);
  let traits = TRAITS.get(model);
  if (traits) return traits;
  const client = readField(model, '_client');
  const smithy = typeof readField(readField(client, 'middlewareStack'), 'add') === 'function';
  if (smithy) addSmithyAttemptsMiddleware(client as SmithyClient);
  traits = newTraits(cacheInInput(model), smithy);
  TRAITS.set(model, traits);
  return traits;
}

function newTraits(cacheInInput: boolean, smithy: boolean): ModelTraits {
  return { cacheInInput, smithy, usageOptions: { cacheInInput, totalIncludesCache: smithy } };
}

/** How a model's usage maps: its traits', else the default (the prompt cache inside `inputTokens`). */
export function usageOptionsOf(traits: ModelTraits | undefined): StrandsUsageOptions {
  return traits === undefined ? DEFAULT_USAGE_OPTIONS : traits.usageOptions;
}

/** Whether this call streams: every provider does, except Bedrock with `stream: false` (Converse). */
export function streams(model: unknown, traits: ModelTraits): boolean {
  if (!traits.smithy) return true;
  const getConfig = readField(model, 'getConfig');
  return (
    typeof getConfig !== 'function' || readField(Reflect.apply(getConfig, model, []), 'stream') !== false
  );
}
