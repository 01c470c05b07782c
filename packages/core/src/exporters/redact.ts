import { maskSecrets } from '../errors/classify-error.js';
import { type DecodedText, decodeEscapes } from './decode-escapes.js';

/**
 * The shortest piece of a secret that is masked on its own: an endpoint may echo a truncated
 * token (`"invalid token sEcReT-t0k…"`). Shorter pieces are too likely to be ordinary text.
 */
export const MIN_SECRET_PIECE = 8;

/** How many layers of escaping are looked through (e.g. HTML-escaped JSON is two). */
const DECODE_LAYERS = 2;

/**
 * Returns a function that removes every given secret from a text, then masks anything else
 * that looks like a credential (`maskSecrets`: Bearer/Basic values, `sk-` keys, JWTs,
 * `token=` values). A secret is found in each of the forms listed (raw, base64, ...), also when
 * the text JSON-escapes, HTML-escapes or percent-encodes it (up to two layers), and also in part:
 * any run of at least `MIN_SECRET_PIECE` characters of a secret (a truncated echo) is masked.
 * Used on every message an exporter emits, including an endpoint's error body, which may echo
 * the request's headers.
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const forms = [...new Set(secrets.filter((secret) => secret.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  const pieces = new Set<string>();
  for (const form of forms)
    for (let i = 0; i + MIN_SECRET_PIECE <= form.length; i++) pieces.add(form.slice(i, i + MIN_SECRET_PIECE));
  const find = (text: string) => findSecrets(text, forms, pieces);
  return (text: string) => {
    if (forms.length === 0) return maskSecrets(text);
    const ranges: Array<[number, number]> = find(text);
    let layer: DecodedText = { text, start: undefined, end: undefined };
    for (let depth = 0; depth < DECODE_LAYERS; depth++) {
      const next = decodeEscapes(layer);
      if (next.text === layer.text) break;
      layer = next;
      for (const [from, to] of find(layer.text)) ranges.push([layer.start![from]!, layer.end![to - 1]!]);
    }
    return maskSecrets(maskRanges(text, ranges));
  };
}

/** Ranges `[from, to)` of `text` holding a whole secret form, or a piece of one of at least `MIN_SECRET_PIECE` characters. */
function findSecrets(
  text: string,
  forms: readonly string[],
  pieces: ReadonlySet<string>,
): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const form of forms) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + form.length))
      ranges.push([at, at + form.length]);
  }
  if (pieces.size === 0) return ranges;
  for (let i = 0; i + MIN_SECRET_PIECE <= text.length; i++) {
    if (!pieces.has(text.slice(i, i + MIN_SECRET_PIECE))) continue;
    let end = i + MIN_SECRET_PIECE;
    while (end < text.length && forms.some((form) => form.includes(text.slice(i, end + 1)))) end++;
    ranges.push([i, end]);
    i = end - 1;
  }
  return ranges;
}

/** Replaces each (merged) range by `***`. */
function maskRanges(text: string, ranges: Array<[number, number]>): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let cursor = 0;
  let [from, to] = ranges[0]!;
  for (let i = 1; i <= ranges.length; i++) {
    const next = ranges[i];
    if (next && next[0] <= to) {
      to = Math.max(to, next[1]);
      continue;
    }
    out += `${text.slice(cursor, from)}***`;
    cursor = to;
    if (next) [from, to] = next;
  }
  return out + text.slice(cursor);
}
