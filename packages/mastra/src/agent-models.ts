import { observeModelConfig } from './model-observer.js';

const OBSERVED_AGENT = Symbol.for('@metrics/mastra.observed-agent');

interface ModelOwner {
  model?: unknown;
  [OBSERVED_AGENT]?: boolean;
}

/**
 * The agents whose `model` setting was wrapped to see each HTTP request (Mastra's retries
 * included), with the setting they had: `restore()` puts every original model back.
 */
export class AgentModels {
  private changed: { agent: ModelOwner; original: unknown; wrapped: unknown }[] = [];

  /** Wraps the agent's model (once per agent); anything that is not an agent with a model is left alone. */
  observe(agent: unknown): void {
    if (typeof agent !== 'object' || agent === null) return;
    const target = agent as ModelOwner;
    if (target[OBSERVED_AGENT] || !('model' in target)) return;
    const original = target.model;
    const wrapped = observeModelConfig(original);
    if (wrapped !== original) {
      target.model = wrapped;
      this.changed.push({ agent: target, original, wrapped });
    }
    Object.defineProperty(target, OBSERVED_AGENT, { value: true, configurable: true });
  }

  /** Puts back every model this object wrapped (a model the user replaced since is left as is). */
  restore(): void {
    const changed = this.changed;
    this.changed = [];
    for (const { agent, original, wrapped } of changed) {
      delete agent[OBSERVED_AGENT];
      if (agent.model === wrapped) agent.model = original;
    }
  }
}
