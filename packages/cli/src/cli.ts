import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildUsageReport, formatUsageReport } from './report-command.js';
import { formatValidateOutcome, validateDocument } from './validate-command.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  env: Record<string, string | undefined>;
  /** Resolves when a long-running command (dashboard) should stop; default: on SIGINT or SIGTERM. */
  untilStopped?: () => Promise<void>;
}

export const HELP = `agent-metrics — check an ingestion endpoint and inspect agent metrics

Usage:
  agent-metrics smoke [--endpoint URL] [--account-id ID] [--token T | --user U --password P]
                      [--origin O] [--provider-type TYPE] [--timeout MS] [--allow-http]
      Sends one valid test record to the resourceMetrics endpoint and explains the outcome.
      Defaults come from AI_METRICS_ENDPOINT, EXT_ACCOUNT_ALIAS_ID, AI_METRICS_JWT_TOKEN,
      AI_METRICS_USER / AI_METRICS_TOKEN, AI_METRICS_ORIGIN and PROVIDER_TYPE.
  agent-metrics validate <file | ->
      Validates a resourceMetrics document (a request body, one record, or an array of records)
      and lists every problem with its path.
  agent-metrics report <events.jsonl> [--json]
      Per-session and per-model token totals from a JSONL events file.
  agent-metrics dashboard [events.jsonl | collector.db] [--port N]
      Serves a local dashboard (http://127.0.0.1, a free port unless --port) over a JSONL events
      file or the reference collector's database, following it as it grows; default file
      .metrics/events.jsonl. Opens nothing by itself; Ctrl+C stops it.
  agent-metrics help

Exit codes: 0 success, 1 the check failed (invalid document, endpoint refused), 2 usage error.`;

async function readSource(source: string, io: CliIo): Promise<string> {
  return source === '-' ? io.readStdin() : readFile(source, 'utf8');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'validate': {
        const { positionals, values } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { json: { type: 'boolean' } },
        });
        if (positionals.length !== 1) {
          io.stderr('validate takes exactly one file (or - for standard input)\n');
          return 2;
        }
        const source = positionals[0]!;
        const outcome = validateDocument(await readSource(source, io));
        io.stdout(
          values.json
            ? `${JSON.stringify(outcome, null, 2)}\n`
            : `${formatValidateOutcome(outcome, source === '-' ? 'stdin' : source)}\n`,
        );
        return outcome.ok ? 0 : 1;
      }
      case 'report': {
        const { positionals, values } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { json: { type: 'boolean' } },
        });
        if (positionals.length !== 1) {
          io.stderr('report takes exactly one JSONL events file (or - for standard input)\n');
          return 2;
        }
        const report = buildUsageReport(await readSource(positionals[0]!, io));
        io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatUsageReport(report)}\n`);
        return 0;
      }
      case 'dashboard': {
        const { runDashboard } = await import('./dashboard-command.js');
        return await runDashboard(rest, io);
      }
      case 'smoke': {
        const { runSmoke } = await import('./smoke-command.js');
        return await runSmoke(rest, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(`${HELP}\n`);
        return command === undefined ? 2 : 0;
      default:
        io.stderr(`unknown command ${JSON.stringify(command)}\n\n${HELP}\n`);
        return 2;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`agent-metrics ${command}: ${message}\n`);
    return (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1;
  }
}
