import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

function split(chunks: Array<string | Buffer>): Array<[string, number, number]> {
  const splitter = new LineSplitter();
  const lines: Array<[string, number, number]> = [];
  for (const chunk of chunks)
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, (text, offset, length) =>
      lines.push([text, offset, length]),
    );
  return lines;
}

describe('LineSplitter', () => {
  it('gives each line its byte offset and length, across chunk boundaries and CRLF', () => {
    const expected: Array<[string, number, number]> = [
      ['{"a":1}', 0, 7],
      ['é', 8, 2],
      ['{"b":22}', 13, 8],
      ['x', 22, 1],
    ];
    expect(split(['{"a":1}\né\r\n\n{"b":22}\nx\n'])).toEqual(expected);
    expect(split(['{"a"', ':1}\né\r', '\n', '\n{"b":', '22}\nx', '\n'])).toEqual(expected);
    const bytes = Buffer.from('{"a":1}\né\r\n\n{"b":22}\nx\n');
    expect(split([bytes.subarray(0, 9), bytes.subarray(9, 15), bytes.subarray(15)])).toEqual(expected);
  });

  it('holds back a line until its newline arrives', () => {
    const splitter = new LineSplitter();
    const lines: string[] = [];
    splitter.push(Buffer.from('one\ntw'), (text) => lines.push(text));
    expect([lines, splitter.pendingBytes]).toEqual([['one'], 2]);
    splitter.push(Buffer.from('o\n'), (text) => lines.push(text));
    expect([lines, splitter.pendingBytes]).toEqual([['one', 'two'], 0]);
  });
});
