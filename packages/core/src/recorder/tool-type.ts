import type { ToolType } from '../schema/resource-metric.js';

/**
 * How users override the tool type an adapter detected: a map from tool name to type, or a
 * function that returns a type (or `undefined` to keep the detected one).
 */
export type ToolTypeOverride =
  | Readonly<Record<string, ToolType>>
  | ((tool: { name: string; detectedType: ToolType | undefined }) => ToolType | undefined);

/**
 * The one rule for a tool's type: the user's override, else what the adapter detected, else `api`.
 * Only `api` and `mcp` are types: anything else (from an override or the adapter) is ignored. An
 * override that throws is passed to `onError` and ignored; this function never throws.
 */
export function resolveToolType(
  name: string,
  detectedType: ToolType | undefined,
  override?: ToolTypeOverride,
  onError?: (error: unknown) => void,
): ToolType {
  if (override) {
    let chosen: unknown;
    try {
      chosen =
        typeof override === 'function'
          ? override({ name, detectedType })
          : Object.hasOwn(override, name)
            ? override[name]
            : undefined;
    } catch (error) {
      onError?.(error);
    }
    if (chosen === 'api' || chosen === 'mcp') return chosen;
  }
  return detectedType === 'mcp' ? 'mcp' : 'api';
}
