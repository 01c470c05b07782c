import type { InvocationExporter } from '../exporter.js';

export interface FlushOnExitOptions {
  /** Shut the exporters down (delivering what is queued) when the event loop empties (`beforeExit`). Default true. */
  beforeExit?: boolean;
  /**
   * Shut the exporters down on these signals, then let the signal take its default effect
   * (unless the application has its own listeners, which then decide). Default `['SIGTERM']`.
   */
  signals?: readonly NodeJS.Signals[];
  /** Longest wait for delivery. Default 5000 ms. */
  timeoutMs?: number;
}

type Flushable = Pick<InvocationExporter, 'flush'> & {
  shutdown?(options?: { timeoutMs?: number }): Promise<void>;
};

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
 * Opt-in process-exit delivery for Node: when the event loop empties (`beforeExit`) and on
 * `SIGTERM` (configurable) it shuts the exporters down, delivering what is queued within
 * `timeoutMs`; after a signal it lets the signal end the process as it would have (unless the
 * application has its own listeners). Installs nothing else; returns a function removing the hooks.
 */
export function flushOnExit(
  exporters: Flushable | readonly Flushable[],
  options: FlushOnExitOptions = {},
): () => void {
  const list: readonly Flushable[] = Array.isArray(exporters) ? exporters : [exporters as Flushable];
  const timeoutMs = options.timeoutMs ?? 5000;
  const signals = options.signals ?? ['SIGTERM'];
  let done = false;

  const shutdownAll = () =>
    within(
      Promise.allSettled(
        list.map((exporter) =>
          Promise.resolve().then(() =>
            exporter.shutdown ? exporter.shutdown({ timeoutMs }) : exporter.flush?.(),
          ),
        ),
      ),
      timeoutMs + 100,
    );
  const onBeforeExit = () => {
    // The program has nothing left to do: deliver what is queued, within the deadline. Shutdown
    // (not flush) so that retries end at the deadline instead of holding the process.
    if (done) return;
    done = true;
    void shutdownAll();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    done = true;
    void shutdownAll().finally(() => {
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
