import type { Usage } from '@metrics/core';
import { type Fields, isObject, readFields, subtractUsage } from '@metrics/core/adapter';
import { type StartMetadata, get } from './langchain-shapes.js';

/**
 * `@langchain/anthropic` adds the placeholder `output_tokens` of the streamed `message_start`
 * event (1 on Anthropic's API) to the running total of `message_delta`, so every streamed call
 * reports one output token too many. Unstreamed calls are exact.
 *
 * Affected: every `@langchain/anthropic` release up to and including 1.5.x (checked on 1.5.11).
 * A release that fixes it must be added to `isAffectedVersion` only once its behaviour is known;
 * until then versions >= 1.6 are left uncorrected (never double-correct).
 */
export function isAffectedVersion(version: string | undefined): boolean {
  if (version === undefined) return false;
  const match = /^(\d+)\.(\d+)\./.exec(version);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major === 0 || (major === 1 && minor <= 5);
}

/** The placeholder token a streamed call of an affected version over-reports. */
const STREAMED_PLACEHOLDER = { outputTokens: 1, totalTokens: 1 } as const;

/** The `@langchain/anthropic` version a chat model start reports, if any (`'unknown'` when it names none). */
export function anthropicVersion(serialized: unknown, metadata: StartMetadata): string | undefined {
  const named = isObject(serialized) && readFields(serialized, readAnthropicId).anthropic;
  if (!named && metadata.provider !== 'anthropic') return undefined;
  return metadata.anthropicVersion ?? 'unknown';
}

function readAnthropicId(serialized: Fields): { anthropic: boolean } {
  const id = serialized.id;
  return { anthropic: Array.isArray(id) && id.includes('ChatAnthropic') };
}

/** The `@langchain/anthropic` version in a model object's own metadata (the middleware's request), if any. */
export function anthropicVersionOfModel(model: unknown): string | undefined {
  const version = get(get(get(model, 'metadata'), 'versions'), '@langchain/anthropic');
  return typeof version === 'string' ? version : undefined;
}

/** Removes the placeholder token from a streamed call's usage; returns the usage unchanged otherwise. */
export function correctAnthropicStreamedUsage(usage: Usage | undefined): Usage | undefined {
  return subtractUsage(usage, STREAMED_PLACEHOLDER);
}

/** A model call's usage, corrected when it is a streamed call of an affected `@langchain/anthropic`. */
export function correctedUsage(
  usage: Usage | undefined,
  call: { enabled: boolean; streamed: boolean; anthropicVersion: string | undefined },
): Usage | undefined {
  if (!call.enabled || !call.streamed || !isAffectedVersion(call.anthropicVersion)) return usage;
  return correctAnthropicStreamedUsage(usage);
}
