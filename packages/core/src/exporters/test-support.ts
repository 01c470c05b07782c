// Helpers for the exporter tests: a real node:http server on loopback and record builders.
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { Diagnostics, type DiagnosticEvent } from '../diagnostics.js';
import { InvocationRecorder } from '../recorder/invocation-recorder.js';
import type { InvocationRecord } from '../recorder/record.js';
import type { ResourceMetric } from '../schema/resource-metric.js';
import { createUsage } from '../usage/usage.js';

export type Behaviour =
  | {
      status: number;
      body?: string | ((headers: IncomingHttpHeaders) => string);
      headers?: Record<string, string>;
      delayMs?: number;
    }
  | { hang: true }
  | { reset: true };

export interface ReceivedRequest {
  at: number;
  status: number | 'hang' | 'reset';
  headers: IncomingHttpHeaders;
  bytes: number;
  records: ResourceMetric[];
}

export interface TestServer {
  url: string;
  /** The most requests that were open at the same time. */
  maxConcurrent: () => number;
  port: number;
  requests: ReceivedRequest[];
  /** Records of requests answered 2xx, in arrival order. */
  accepted: ResourceMetric[];
  plan(...behaviours: Behaviour[]): void;
  setDefault(behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startServer(port = 0): Promise<TestServer> {
  const planned: Behaviour[] = [];
  let fallback: Behaviour = { status: 200 };
  const requests: ReceivedRequest[] = [];
  const accepted: ResourceMetric[] = [];
  const sockets = new Set<Socket>();
  let open = 0;
  let maxOpen = 0;
  const server: Server = createServer((req, res) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    res.on('close', () => {
      open--;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let records: ResourceMetric[] = [];
      try {
        records = JSON.parse(raw.toString('utf8')).resourceMetrics ?? [];
      } catch {
        records = [];
      }
      const behaviour = planned.shift() ?? fallback;
      const entry: ReceivedRequest = {
        at: Date.now(),
        status: 'hang' in behaviour ? 'hang' : 'reset' in behaviour ? 'reset' : behaviour.status,
        headers: req.headers,
        bytes: raw.length,
        records,
      };
      requests.push(entry);
      if ('hang' in behaviour) return;
      if ('reset' in behaviour) {
        req.socket.destroy();
        return;
      }
      const answer = () => {
        if (behaviour.status >= 200 && behaviour.status < 300) accepted.push(...records);
        const body =
          typeof behaviour.body === 'function' ? behaviour.body(req.headers) : (behaviour.body ?? '');
        res.writeHead(behaviour.status, { 'content-type': 'text/plain', ...behaviour.headers });
        res.end(body);
      };
      if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
      else answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actualPort}/ingest`,
    port: actualPort,
    maxConcurrent: () => maxOpen,
    requests,
    accepted,
    plan: (...behaviours) => planned.push(...behaviours),
    setDefault: (behaviour) => {
      fallback = behaviour;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

export function makeRecord(
  options: { model?: string; input?: number; output?: number; startedAt?: number; sessionId?: string } = {},
): InvocationRecord {
  const invocation = new InvocationRecorder({
    providerType: 'CUSTOM_PROVIDER',
    ...(options.startedAt !== undefined ? { startedAt: options.startedAt } : {}),
    ...(options.sessionId !== undefined ? { sessionId: options.sessionId } : {}),
  });
  const call = invocation.startModelCall({ model: options.model ?? 'gpt-4o' });
  call.end({ usage: createUsage({ inputTokens: options.input ?? 10, outputTokens: options.output ?? 5 }) });
  return invocation.end()!;
}

export function makeRecords(
  count: number,
  options: Parameters<typeof makeRecord>[0] = {},
): InvocationRecord[] {
  return Array.from({ length: count }, () => makeRecord(options));
}

/** A secret with characters that base64 and URL encoding change. */
export const SECRET = 'sEcReT-t0k3n/+=&?xyz';
export const USER = 'BOOMI_TOKEN.dev@example.com';

export function secretForms(): string[] {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return [SECRET, b64(SECRET), encodeURIComponent(SECRET), b64(`${USER}:${SECRET}`)];
}

/** A diagnostics channel that keeps every event and every printed line, to search for secrets. */
export function capture(): {
  diagnostics: Diagnostics;
  events: DiagnosticEvent[];
  printed: string[];
  text: () => string;
} {
  const events: DiagnosticEvent[] = [];
  const printed: string[] = [];
  const diagnostics = new Diagnostics({
    logger: { warn: (line: string) => printed.push(line) },
    logIntervalMs: 0,
  });
  diagnostics.on((event) => events.push(event));
  return { diagnostics, events, printed, text: () => JSON.stringify(events) + printed.join('\n') };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitUntil(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await sleep(5);
  }
}
