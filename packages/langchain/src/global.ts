import { registerConfigureHook, setContextVariable } from '@langchain/core/context';
import type { MetricsCallbackHandler } from './handler.js';

const CONTEXT_VAR = 'agent_metrics_callback_handler';

/**
 * Adds the handler to every LangChain run started from the current async context on (call it
 * once at startup, before running chains, agents or graphs), through LangChain's own
 * `registerConfigureHook` + `setContextVariable`. A run that also gets the handler in its
 * `callbacks` still counts once.
 */
export function registerGlobalHandler(handler: MetricsCallbackHandler): void {
  registerConfigureHook({ contextVar: CONTEXT_VAR, inheritable: true });
  setContextVariable(CONTEXT_VAR, handler);
}
