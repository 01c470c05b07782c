import type { InvocationExporter } from '../exporter.js';

export interface FlushOnExitOptions {
  /** Flush when the event loop empties (`beforeExit`). Default true. */
  beforeExit?: boolean;
  /**
   * Shut the exporters down on these signals, then let the signal take its default effect
   * (unless the application has its own listeners, which then decide). Default `['SIGTERM']`.
   */
  signals?: readonly NodeJS.Signals[];
  /** Longest wait for delivery. Default 5000 ms. */
  timeoutMs?: number;
}

type Flushable = Pick<InvocationExporter, 'flush' | 'shutdown'>;

function within(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

/**
 * Opt-in process-exit delivery for Node: on `beforeExit` it flushes the exporters (bounded by
 * `timeoutMs`), on `SIGTERM` (configurable) it shuts them down and then lets the signal end the
 * process as it would have. Installs nothing else; returns a function that removes the hooks.
 */
export function flushOnExit(
  exporters: Flushable | readonly Flushable[],
  options: FlushOnExitOptions = {},
): () => void {
  const list: readonly Flushable[] = Array.isArray(exporters) ? exporters : [exporters as Flushable];
  const timeoutMs = options.timeoutMs ?? 5000;
  const signals = options.signals ?? ['SIGTERM'];
  let flushing = false;

  const onBeforeExit = () => {
    // Runs again each time the loop empties; a flush with nothing pending schedules nothing.
    if (flushing) return;
    flushing = true;
    void within(Promise.all(list.map((exporter) => exporter.flush?.())), timeoutMs).finally(() => {
      flushing = false;
    });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void within(Promise.all(list.map((exporter) => exporter.shutdown?.())), timeoutMs).finally(() => {
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };

  if (options.beforeExit !== false) process.on('beforeExit', onBeforeExit);
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    process.removeListener('beforeExit', onBeforeExit);
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
}
