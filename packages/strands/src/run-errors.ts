import { type Diagnostics, guard, readField } from '@metrics/core';
import type { OpenRuns } from '@metrics/core/adapter';
import type { LocalAgent } from '@strands-agents/sdk';
import type { AgentRun } from './agent-run.js';
import { SOURCE } from './options.js';

type Runs = OpenRuns<object, AgentRun>;
type StageHandler = (
  context: { agent: object },
  next: (context: unknown) => AsyncGenerator,
) => AsyncGenerator;

/** The SDK's `agentStream` stage token, by agent class (one per copy of the SDK). */
const STAGES = new WeakMap<object, object>();

/**
 * Sees what an agent's invocation throws. `AfterInvocationEvent` fires before the error leaves
 * `stream()` and does not carry it; the SDK's `agentStream` middleware stage (the outermost one)
 * does, but 1.x does not export its token. The token is learnt from the agent's own middleware
 * registry the first time it runs the stage (the first invocation included: plugins initialize
 * inside it, before the stage runs), then registered like any middleware. Without that registry
 * (another SDK shape) a diagnostic says so and runs fail only with their model's errors.
 */
export function observeRunErrors(agent: LocalAgent, runs: Runs, diagnostics: Diagnostics): void {
  const handler = rememberThrown(runs, diagnostics);
  const stage = STAGES.get(agent.constructor);
  if (stage) {
    addStageMiddleware(agent, stage, handler);
    return;
  }
  const registry = readField(agent, '_middlewareRegistry');
  const invoke = readField(registry, 'invoke');
  if (typeof invoke !== 'function' || typeof registry !== 'object' || registry === null) {
    diagnostics.emit({
      type: 'strands.run-errors-unseen',
      level: 'warn',
      source: SOURCE,
      message:
        'this @strands-agents/sdk has no middleware registry to learn the agentStream stage from: runs fail only with their model errors',
    });
    return;
  }
  const own = Object.getOwnPropertyDescriptor(registry, 'invoke');
  const restore = () => {
    if (own) Object.defineProperty(registry, 'invoke', own);
    else Reflect.deleteProperty(registry, 'invoke');
  };
  Object.defineProperty(registry, 'invoke', {
    configurable: true,
    writable: true,
    value: function learnStage(this: unknown, ...args: unknown[]) {
      const token = args[0];
      if (readField(token, 'name') === 'agentStream' && typeof token === 'object' && token !== null)
        guard(diagnostics, SOURCE, () => {
          restore();
          STAGES.set(agent.constructor, token);
          addStageMiddleware(agent, token, handler);
        });
      return Reflect.apply(invoke, this, args);
    },
  });
}

function addStageMiddleware(agent: LocalAgent, stage: object, handler: StageHandler): void {
  (agent.addMiddleware as (stage: object, handler: StageHandler) => unknown)(stage, handler);
}

/** The middleware: notes what the stream throws on the agent's run (an interrupt is no error: the SDK turns it into a result). */
function rememberThrown(runs: Runs, diagnostics: Diagnostics): StageHandler {
  return async function* meteredAgentStream(context, next) {
    try {
      return yield* next(context);
    } catch (error) {
      guard(diagnostics, SOURCE, () => {
        const run = runs.peek(context.agent);
        if (run && !Array.isArray(readField(error, 'interrupts'))) run.thrown = error;
      });
      throw error;
    }
  };
}
