import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type Collector, startCollector } from './collector/collector.js';
import { readCollectorDatabase } from './collector/sqlite-store.js';
import { startModelServer } from './model-server/model-server.js';
import type { ModelServer, ScriptStep } from './model-server/types.js';

export const USAGE = `Usage: metrics-testkit <command> [options]

Commands:
  model-server   a scripted OpenAI (chat completions, responses) and Anthropic (messages) server
    --port N             port (default: a free one)
    --host H             address (default 127.0.0.1)
    --script FILE        JSON: an array of steps (default queue), or an object whose keys are
                         conversation keys ("default" for the default queue) and values arrays of steps
    --fallback-text T    answer T when a queue is empty (the default when no --script is given)
  collector      the reference resourceMetrics ingestion collector
    --port N             port (default: a free one)
    --host H             address (default 127.0.0.1)
    --path P             endpoint path (default /v1/resourceMetrics)
    --token T            require Authorization: Bearer T
    --user U --password P  require Authorization: Basic (U:P)
    --status 200|202     status of a successful answer (default 200)
    --database FILE      persist what was received to an SQLite file (node:sqlite)
  show           print what a collector persisted
    --database FILE
`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Reads a script file: an array (default queue) or `{ default: [...], "<key>": [...] }`. */
export async function loadScriptFile(
  path: string,
): Promise<{ script: ScriptStep[]; scripts: Record<string, ScriptStep[]> }> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (Array.isArray(parsed)) return { script: parsed as ScriptStep[], scripts: {} };
  if (typeof parsed !== 'object' || parsed === null)
    throw new TypeError(`${path}: a script file holds an array of steps or an object of arrays`);
  const { default: script = [], ...scripts } = parsed as Record<string, ScriptStep[]>;
  return { script, scripts };
}

function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new TypeError(`--port must be 0-65535, got ${value}`);
  return n;
}

/** Runs one command; resolves with the running server (or undefined for one-shot commands). */
export async function runCli(
  argv: string[],
  io: CliIo = defaultIo,
): Promise<ModelServer | Collector | undefined> {
  const [command, ...rest] = argv;
  if (command === 'model-server') {
    const { values } = parseArgs({
      args: rest,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        script: { type: 'string' },
        'fallback-text': { type: 'string' },
      },
    });
    const loaded = values.script ? await loadScriptFile(values.script) : undefined;
    const fallbackText =
      values['fallback-text'] ?? (loaded ? undefined : 'Hello from the @metrics/testkit model server.');
    const server = await startModelServer({
      ...(port(values.port) !== undefined ? { port: port(values.port) } : {}),
      ...(values.host ? { host: values.host } : {}),
      ...(loaded ?? {}),
      ...(fallbackText !== undefined ? { fallback: { text: fallbackText } } : {}),
    });
    io.out(`model server listening on ${server.url}`);
    io.out(`  OpenAI base URL:    ${server.openaiBaseUrl}`);
    io.out(`  Anthropic base URL: ${server.anthropicBaseUrl}`);
    return server;
  }
  if (command === 'collector') {
    const { values } = parseArgs({
      args: rest,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        path: { type: 'string' },
        token: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        status: { type: 'string' },
        database: { type: 'string' },
      },
    });
    if (values.status !== undefined && values.status !== '200' && values.status !== '202')
      throw new TypeError(`--status must be 200 or 202, got ${values.status}`);
    const collector = await startCollector({
      ...(port(values.port) !== undefined ? { port: port(values.port) } : {}),
      ...(values.host ? { host: values.host } : {}),
      ...(values.path ? { path: values.path } : {}),
      ...(values.token ? { token: values.token } : {}),
      ...(values.user ? { user: values.user, password: values.password ?? '' } : {}),
      ...(values.status ? { successStatus: Number(values.status) as 200 | 202 } : {}),
      ...(values.database ? { databasePath: values.database } : {}),
    });
    io.out(`collector listening on ${collector.endpoint}`);
    if (values.database) io.out(`  persisting to ${values.database}`);
    return collector;
  }
  if (command === 'show') {
    const { values } = parseArgs({ args: rest, options: { database: { type: 'string' } } });
    if (!values.database) throw new TypeError('show needs --database FILE');
    const { records, requests } = await readCollectorDatabase(values.database);
    io.out(JSON.stringify({ requests, records: records.map((r) => r.record) }, null, 2));
    return undefined;
  }
  io[command === undefined || command === 'help' || command === '--help' ? 'out' : 'err'](USAGE);
  if (command !== undefined && command !== 'help' && command !== '--help')
    throw new TypeError(`unknown command ${command}`);
  return undefined;
}
