import { crc32 } from 'node:zlib';

// header value type 7: a UTF-8 string with a 2-byte length
const STRING_TYPE = 7;

function header(name: string, value: string): Buffer {
  const key = Buffer.from(name, 'utf8');
  const data = Buffer.from(value, 'utf8');
  const out = Buffer.alloc(1 + key.length + 1 + 2 + data.length);
  let offset = out.writeUInt8(key.length, 0);
  offset += key.copy(out, offset);
  offset = out.writeUInt8(STRING_TYPE, offset);
  offset = out.writeUInt16BE(data.length, offset);
  data.copy(out, offset);
  return out;
}

/**
 * One message of the AWS event-stream encoding (`application/vnd.amazon.eventstream`): prelude
 * (total and headers length, CRC32), headers, JSON payload, message CRC32.
 */
export function eventStreamMessage(eventType: string, payload: unknown, messageType = 'event'): Buffer {
  const headers = Buffer.concat([
    header(':event-type', eventType),
    header(':content-type', 'application/json'),
    header(':message-type', messageType),
  ]);
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(12 + headers.length + body.length + 4, 0);
  prelude.writeUInt32BE(headers.length, 4);
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const message = Buffer.concat([prelude, headers, body]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(message), 0);
  return Buffer.concat([message, checksum]);
}
