import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import {
  MAX_RECORDS_PER_REQUEST,
  MAX_REQUEST_BYTES,
  type ResourceMetric,
  type ValidationIssue,
  validateResourceMetricsPayload,
} from '@metrics/core';
import type { Refusal } from './refusal.js';
import type { CollectorRequest } from './types.js';

const JSON_TYPE = /^application\/([\w.+-]*\+)?json\b/i;

/** Reads a body, keeping it only up to the request limit (`data` is absent past it). */
export async function readCappedBody(req: IncomingMessage): Promise<{ data?: Buffer; bytes: number }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length;
    if (bytes <= MAX_REQUEST_BYTES) chunks.push(chunk as Buffer);
  }
  return bytes <= MAX_REQUEST_BYTES ? { data: Buffer.concat(chunks), bytes } : { bytes };
}

function tooLarge(): Refusal {
  return {
    status: 413,
    error: `the body is larger than ${MAX_REQUEST_BYTES} bytes (5 MB); split the batch`,
    extra: { limitBytes: MAX_REQUEST_BYTES },
  };
}

/** Gunzips a `content-encoding: gzip` body, up to one byte past the limit (then it counts as too large). */
function decompress(data: Buffer, entry: CollectorRequest): Buffer | Refusal | undefined {
  let body: Buffer | undefined;
  try {
    body = gunzipSync(data, { maxOutputLength: MAX_REQUEST_BYTES + 1 });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE')
      return { status: 400, error: `the gzip body could not be decompressed: ${(error as Error).message}` };
    body = undefined;
  }
  entry.bytes = body?.length ?? MAX_REQUEST_BYTES + 1;
  return body;
}

function invalidPayload(issues: ValidationIssue[]): Refusal {
  const shown = issues.slice(0, 20).map((issue) => issue.message);
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
  const tooMany = issues.some((issue) => issue.rule === 'max-records');
  return {
    status: 400,
    error: `invalid resourceMetrics payload: ${shown.join('; ')}${more}`,
    extra: { issues, ...(tooMany ? { limitRecords: MAX_RECORDS_PER_REQUEST } : {}) },
  };
}

/** Parses and validates the JSON text of a payload; notes the body (and issues) on `entry`. */
function parsePayload(text: string, entry: CollectorRequest): ResourceMetric[] | Refusal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    entry.body = text;
    return { status: 400, error: `the body is not valid JSON: ${(error as Error).message}` };
  }
  entry.body = parsed;
  const result = validateResourceMetricsPayload(parsed);
  if (result.ok) return result.value.resourceMetrics;
  entry.issues = result.issues;
  return invalidPayload(result.issues);
}

/**
 * The records of a payload as the ingestion contract reads it: a JSON content type, an optional
 * gzip encoding, at most 5 MB (decompressed), valid JSON, and a valid `resourceMetrics` payload.
 * Anything else is a `Refusal` with the status the contract names.
 */
export function ingest(
  req: IncomingMessage,
  data: Buffer | undefined,
  entry: CollectorRequest,
): ResourceMetric[] | Refusal {
  const contentType = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(contentType))
    return {
      status: 415,
      error: `Content-Type must be application/json, got ${contentType === '' ? 'none' : JSON.stringify(contentType)}`,
    };
  let body = data;
  if (body && /^gzip$/i.test(req.headers['content-encoding'] ?? '')) {
    const decoded = decompress(body, entry);
    if (decoded !== undefined && !Buffer.isBuffer(decoded)) return decoded;
    body = decoded;
  }
  if (!body || body.length > MAX_REQUEST_BYTES) return tooLarge();
  return parsePayload(body.toString('utf8'), entry);
}
