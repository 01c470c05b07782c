import {
  type InvocationRecorder,
  type ModelCall,
  type Usage,
  getCurrentInvocation,
  guard,
} from '@metrics/core';
import { type AttemptScope, runInAttemptScope } from '@metrics/core/adapter';
import { type ClientContext, SOURCE } from './options.js';
import { type ToolRequest, recordToolsNotRun, requestTools } from './tool-requests.js';

/** What a finished model call reported. */
export interface CallOutcome {
  usage?: Usage | undefined;
  model?: string | undefined;
  /** The tool calls the model asked for. */
  toolRequests?: readonly ToolRequest[];
}

export interface CallStart {
  model?: string | undefined;
  streamed: boolean;
}

// entered before the call starts, so the call's own scope stays inside `withModelCall`
const NO_SCOPE: AttemptScope = Object.freeze({ ended: true, attemptLog: () => null });

/**
 * One model call of a metered client, recorded into the invocation of the caller's context, or
 * into a one-call invocation of its own when there is none. Every method is safe to call twice.
 */
export class MeteredCall {
  private settled = false;
  private tokenSeen = false;

  private constructor(
    private readonly context: ClientContext,
    private readonly recorder: InvocationRecorder,
    private readonly own: boolean,
    private readonly call: ModelCall,
  ) {}

  /** Starts the call (the attempt scope of the caller from here on). */
  static start(context: ClientContext, start: CallStart): MeteredCall | undefined {
    return guard(context.metrics.diagnostics, SOURCE, () => {
      const current = getCurrentInvocation();
      const own = current === undefined || current.ended;
      const recorder = own
        ? context.metrics.startInvocation({
            providerType: context.providerType,
            ...(start.model !== undefined ? { model: start.model } : {}),
          })
        : current;
      if (!own) recordToolsNotRun(recorder);
      const call = recorder.startModelCall({
        provider: context.provider,
        streamed: start.streamed,
        ...(start.model !== undefined ? { model: start.model } : {}),
      });
      return new MeteredCall(context, recorder, own, call);
    });
  }

  /** Notes the first streamed token (only the first counts). */
  firstToken(): void {
    if (this.tokenSeen) return;
    this.tokenSeen = true;
    guard(this.context.metrics.diagnostics, SOURCE, () => this.call.firstToken());
  }

  /** Runs `fn`, reporting (never throwing) its error. */
  safely<T>(fn: () => T): T | undefined {
    return guard(this.context.metrics.diagnostics, SOURCE, fn);
  }

  /** Ends the call with what `read` finds (a reader that throws is reported, the call still ends). */
  endWith(read: () => CallOutcome): void {
    this.end(this.safely(read) ?? {});
  }

  end(outcome: CallOutcome): void {
    if (this.settled) return;
    this.settled = true;
    guard(this.context.metrics.diagnostics, SOURCE, () => {
      this.call.end({
        ...(outcome.usage !== undefined ? { usage: outcome.usage } : {}),
        ...(outcome.model !== undefined ? { model: outcome.model } : {}),
      });
      if (this.own) this.recorder.end();
      else if (outcome.toolRequests?.length) requestTools(this.recorder, outcome.toolRequests);
    });
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    guard(this.context.metrics.diagnostics, SOURCE, () => {
      this.call.fail(error);
      if (this.own) this.recorder.end({ error });
    });
  }
}

/**
 * Runs `fn` (which makes the client's request) with a new model call as the attempt scope of
 * everything it starts, so each HTTP attempt of the request is seen; the caller's own context is
 * left as it was. `fn` gets `undefined` when the call could not be started (reported, never thrown).
 */
export function withModelCall<T>(
  context: ClientContext,
  start: CallStart,
  fn: (call: MeteredCall | undefined) => T,
): T {
  return runInAttemptScope(NO_SCOPE, () => fn(MeteredCall.start(context, start)));
}
