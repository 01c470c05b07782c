import { brand } from './adapter/brand.js';
import { type ErrorInfo, classifyError } from './errors/classify-error.js';

export type DiagnosticLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Something the instrumentation noticed and did not throw: a dropped record, an adapter fault,
 * an event that arrived too late. `type` is stable and machine-readable (`record.dropped`,
 * `adapter.error`, `usage.invalid`, ...); `message` is for people and never holds a secret.
 */
export interface DiagnosticEvent {
  type: string;
  level: DiagnosticLevel;
  message: string;
  /** Where it happened, e.g. `@metrics/langchain` or `http-exporter`. */
  source?: string;
  error?: ErrorInfo;
  data?: Record<string, string | number | boolean | undefined>;
}

export type DiagnosticListener = (event: DiagnosticEvent) => void;

export interface DiagnosticsOptions {
  /** Where warnings and errors are printed; `false` prints nothing. Default: `console`. */
  logger?: Pick<Console, 'warn'> | false;
  /** The shortest interval between two printed messages of the same type. Default 60 s. */
  logIntervalMs?: number;
}

/**
 * The one channel through which every package reports what went wrong without throwing.
 * Counts every event by type, fans it out to listeners (a failing listener is isolated) and
 * prints warnings, rate-limited per type.
 */
export class Diagnostics {
  private readonly listeners = new Set<DiagnosticListener>();
  private readonly counts = new Map<string, number>();
  private readonly lastLogged = new Map<string, number>();
  private readonly logger: Pick<Console, 'warn'> | false;
  private readonly logIntervalMs: number;

  constructor(options: DiagnosticsOptions = {}) {
    this.logger = options.logger === undefined ? console : options.logger;
    this.logIntervalMs = options.logIntervalMs ?? 60_000;
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  on(listener: DiagnosticListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: DiagnosticEvent): void {
    this.counts.set(event.type, (this.counts.get(event.type) ?? 0) + 1);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure is its own; it never reaches the agent
      }
    }
    if (this.logger && (event.level === 'warn' || event.level === 'error')) {
      const now = Date.now();
      const last = this.lastLogged.get(event.type);
      if (last === undefined || now - last >= this.logIntervalMs) {
        this.lastLogged.set(event.type, now);
        const suppressed = (this.counts.get(event.type) ?? 1) - 1;
        try {
          this.logger.warn(
            `[agent-metrics] ${event.source ? `${event.source}: ` : ''}${event.message}` +
              (suppressed > 0 ? ` (${suppressed} earlier ${event.type} event(s))` : ''),
          );
        } catch {
          // printing is best effort
        }
      }
    }
  }

  /** Emits the event only if none of its type was emitted on this channel before (a one-time hint). */
  emitOnce(event: DiagnosticEvent): void {
    if (!this.counts.has(event.type)) this.emit(event);
  }

  /** Reports an error caught inside the instrumentation (never rethrown). */
  reportError(source: string, error: unknown, message = 'instrumentation failed and was skipped'): void {
    const info = classifyError(error);
    this.emit({
      type: 'adapter.error',
      level: 'warn',
      source,
      message: `${message}: ${info.name}: ${info.message}`,
      error: info,
    });
  }

  /** How many events of each type were emitted so far. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/**
 * Runs `fn`, reporting and swallowing anything it throws: the guard every adapter puts around
 * its own code so that instrumentation never breaks the user's agent.
 */
brand(Diagnostics.prototype, 'Diagnostics');

export function guard<T>(diagnostics: Diagnostics, source: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    diagnostics.reportError(source, error);
    return undefined;
  }
}
