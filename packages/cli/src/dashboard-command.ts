import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliIo } from './cli.js';

/** The demo's output, used when no file is given. */
export const DEFAULT_DASHBOARD_SOURCE = '.metrics/events.jsonl';

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return 0;
  const port = Number(value);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : undefined;
}

/** `agent-metrics dashboard [file] [--port N]`: serves the dashboard on 127.0.0.1 until SIGINT/SIGTERM. */
export async function runDashboard(args: string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string' } },
  });
  const port = parsePort(values.port);
  if (positionals.length > 1 || port === undefined) {
    io.stderr('dashboard takes at most one file (JSONL events or a collector database) and --port 0-65535\n');
    return 2;
  }
  const source = positionals[0] ?? DEFAULT_DASHBOARD_SOURCE;
  if (!existsSync(source)) {
    io.stderr(`agent-metrics dashboard: ${source} does not exist (run \`npm run demo\`, or give a file)\n`);
    return 1;
  }
  const { startDashboard } = await import('@metrics/dashboard');
  const dashboard = await startDashboard({ source, port });
  const kind = dashboard.source.kind === 'jsonl' ? 'JSONL events' : 'collector database';
  io.stdout(`agent-metrics dashboard: ${dashboard.url}\n  following ${source} (${kind}); Ctrl+C stops it\n`);
  const started = performance.now();
  void dashboard.loaded.then(() => {
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    io.stdout(`  read ${dashboard.store.rows.length} runs in ${seconds} s\n`);
  });
  await (io.untilStopped ?? waitForSignal)();
  await dashboard.close();
  io.stdout('dashboard stopped\n');
  return 0;
}
