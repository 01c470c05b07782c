import type { IncomingMessage, ServerResponse } from 'node:http';
import { isProviderApi, streamedByPath } from './provider-apis.js';
import { routeOf } from './routes.js';
import { scriptKeyOf } from './script-queues.js';
import type { RecordedModelRequest } from './types.js';

/** A request as the server reads it: its record, and its body as an object (`{}` when it is not one). */
export interface IncomingModelRequest {
  record: RecordedModelRequest;
  /** The raw body was not empty and not a JSON object. */
  malformed: boolean;
  body: Record<string, unknown>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parse(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Reads and parses a request; its record's `status` follows the answer once it starts. */
export async function readModelRequest(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<IncomingModelRequest> {
  const raw = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const body = parse(raw);
  const scriptKey = scriptKeyOf(raw);
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const request = (isObject ? body : {}) as Record<string, unknown>;
  const api = routeOf(method, url.pathname);
  const record: RecordedModelRequest = {
    method,
    path: url.pathname,
    headers: req.headers,
    body,
    ...(scriptKey !== undefined ? { scriptKey } : {}),
    api,
    stream: request.stream === true || (isProviderApi(api) && streamedByPath(api, url.pathname)),
    status: 0,
    receivedAt: Date.now(),
  };
  res.on('close', () => {
    if (res.headersSent) record.status = res.statusCode;
  });
  return { record, malformed: raw !== '' && !isObject, body: request };
}
