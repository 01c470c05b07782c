/** UTF-8 byte length of a string, counted without encoding it (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  const length = text.length;
  let bytes = length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // 4 bytes for the two UTF-16 units
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

/** Reads at most `limit` bytes of a response body as text, then releases the rest. */
export async function readCapped(response: Response, limit: number): Promise<string> {
  const body = response.body;
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < limit) {
      const { done, value } = await reader.read();
      if (done) return decode(chunks, total);
      chunks.push(value);
      total += value.length;
    }
    await reader.cancel().catch(() => {});
  } catch {
    // an unreadable body is treated as empty; the status decides
  }
  return decode(chunks, Math.min(total, limit));
}

function decode(chunks: Uint8Array[], length: number): string {
  const all = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, length - offset);
    all.set(part, offset);
    offset += part.length;
    if (offset >= length) break;
  }
  return new TextDecoder().decode(all);
}
