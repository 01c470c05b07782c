import type { DiagnosticListener, Diagnostics } from '../diagnostics.js';
import type { InvocationExporter } from '../exporter.js';
import type { InvocationRecord } from '../recorder/record.js';
import { resolveDiagnosticsOption } from './diagnostics-option.js';

export interface FanOutOptions {
  /** Where an exporter's failure is reported. Default: a `Diagnostics` printing warnings to the console. */
  diagnostics?: Diagnostics | DiagnosticListener;
}

/**
 * Sends each record to several exporters. One exporter throwing (in `export`, `flush` or
 * `shutdown`) is reported and never reaches the others or the caller.
 */
export class FanOutExporter implements InvocationExporter {
  readonly name = 'fan-out';
  readonly exporters: readonly InvocationExporter[];
  readonly diagnostics: Diagnostics;

  constructor(exporters: readonly InvocationExporter[], options: FanOutOptions = {}) {
    this.exporters = exporters;
    this.diagnostics = resolveDiagnosticsOption(options.diagnostics);
  }

  export(record: InvocationRecord): void {
    for (const exporter of this.exporters) {
      try {
        exporter.export(record);
      } catch (error) {
        this.diagnostics.reportError(
          exporter.name ?? 'exporter',
          error,
          'an exporter threw; the others still got the record',
        );
      }
    }
  }

  async flush(options?: { timeoutMs?: number }): Promise<void> {
    await this.settleAll('flush', options);
  }

  async shutdown(options?: { timeoutMs?: number }): Promise<void> {
    await this.settleAll('shutdown', options);
  }

  private async settleAll(method: 'flush' | 'shutdown', options?: { timeoutMs?: number }): Promise<void> {
    await Promise.all(
      this.exporters.map(async (exporter) => {
        try {
          await exporter[method]?.(options);
        } catch (error) {
          this.diagnostics.reportError(exporter.name ?? 'exporter', error, `${method} failed`);
        }
      }),
    );
  }
}

/** Sends each record to every exporter given, isolating their failures from one another. */
export function fanOut(...exporters: InvocationExporter[]): FanOutExporter {
  return new FanOutExporter(exporters);
}
