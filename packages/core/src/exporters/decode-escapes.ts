/**
 * A text with, for each of its characters, the range of the original text it came from
 * (`undefined` maps: the text is the original).
 */
export interface DecodedText {
  text: string;
  start: number[] | undefined;
  end: number[] | undefined;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  sol: '/',
  equals: '=',
  plus: '+',
  quest: '?',
  num: '#',
};

const JSON_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** One escape starting at `i`: the character it stands for and its length, or `undefined`. */
function escapeAt(text: string, i: number): { char: string; length: number } | undefined {
  const c = text[i];
  if (c === '\\') {
    const next = text[i + 1];
    if (next !== undefined && Object.hasOwn(JSON_ESCAPES, next))
      return { char: JSON_ESCAPES[next]!, length: 2 };
    const hex = /^u([0-9a-fA-F]{4})/.exec(text.slice(i + 1, i + 6));
    if (hex) return { char: String.fromCharCode(Number.parseInt(hex[1]!, 16)), length: 6 };
  } else if (c === '&') {
    const entity = /^&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/.exec(text.slice(i, i + 12));
    if (entity) {
      const name = entity[1]!;
      const code =
        name[0] !== '#'
          ? undefined
          : name[1] === 'x' || name[1] === 'X'
            ? Number.parseInt(name.slice(2), 16)
            : Number.parseInt(name.slice(1), 10);
      if (code !== undefined && code <= 0x10ffff)
        return { char: String.fromCodePoint(code), length: entity[0].length };
      const lower = name.toLowerCase();
      if (code === undefined && Object.hasOwn(NAMED_ENTITIES, lower))
        return { char: NAMED_ENTITIES[lower]!, length: entity[0].length };
    }
  } else if (c === '%') {
    const hex = /^%([0-7][0-9a-fA-F])/.exec(text.slice(i, i + 3));
    if (hex) return { char: String.fromCharCode(Number.parseInt(hex[1]!, 16)), length: 3 };
  }
  return undefined;
}

/**
 * Undoes one layer of JSON string escapes (`\"`, `\/`, `\u0041`), HTML character references
 * (`&amp;`, `&#43;`, `&#x2F;`) and ASCII percent-encoding (`%2F`), keeping for each decoded
 * character the range of the original text it stands for, so that what is found in the decoded
 * text can be masked in the original.
 */
export function decodeEscapes(input: DecodedText): DecodedText {
  const { text } = input;
  let out = '';
  const start: number[] = [];
  const end: number[] = [];
  const origin = (index: number) => (input.start ? input.start[index]! : index);
  const originEnd = (index: number) => (input.end ? input.end[index]! : index + 1);
  for (let i = 0; i < text.length; ) {
    const found = escapeAt(text, i);
    const length = found ? found.length : 1;
    const char = found ? found.char : text[i]!;
    for (let k = 0; k < char.length; k++) {
      start.push(origin(i));
      end.push(originEnd(i + length - 1));
    }
    out += char;
    i += length;
  }
  return { text: out, start, end };
}
