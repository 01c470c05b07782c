// Test support: the hostile values a JavaScript caller can pass to the public API.
import fc from 'fast-check';

function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { name: 'loop', inputTokens: 3 };
  value.self = value;
  value.usage = value;
  value.error = value;
  value.cause = value;
  return value;
}

/** A proxy whose every operation throws (string-keyed reads, `in`, keys, prototype). */
function throwingProxy(): object {
  const fail = () => {
    throw new Error('hostile proxy');
  };
  return new Proxy(
    {},
    {
      // symbol reads are left alone: fast-check itself probes values for a clone method
      get: (_target, key) => (typeof key === 'symbol' ? undefined : fail()),
      has: (_target, key) => (typeof key === 'symbol' ? false : fail()),
      ownKeys: fail,
      getPrototypeOf: fail,
      getOwnPropertyDescriptor: fail,
    },
  );
}

/** An object whose every API field is a getter that throws. */
function throwingGetters(): object {
  const value = {};
  for (const key of [
    'name',
    'type',
    'usage',
    'startedAt',
    'endedAt',
    'at',
    'model',
    'status',
    'attempt',
    'error',
    'kind',
    'outcome',
    'providerType',
    'runId',
    'metadata',
    'countError',
    'inputTokens',
    'outputTokens',
    'totalTokens',
    'callId',
    'firstTokenAt',
    'streamed',
    'provider',
    'sessionId',
    'raw',
    'invalid',
  ])
    Object.defineProperty(value, key, {
      enumerable: true,
      get() {
        throw new Error(`getter ${key}`);
      },
    });
  return value;
}

const hostileConstants: readonly unknown[] = [
  null,
  undefined,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
  1.5,
  -0,
  1e300,
  2 ** 53,
  9e15,
  1000,
  'constructor',
  '__proto__',
  'function',
  'toString',
  'hasOwnProperty',
  'api',
  'mcp',
  '',
  10n,
  Symbol('junk'),
  [],
  [1, 2],
  new Date(Number.NaN),
];

/** One hostile value: a fixed nasty constant, a fresh cyclic object/proxy/getter trap, or anything. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...hostileConstants),
  fc.constant(null).map(() => cyclic()),
  fc.constant(null).map(() => throwingProxy()),
  fc.constant(null).map(() => throwingGetters()),
);

const junkNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(...hostileConstants));

/** A usage-shaped object whose counts are anything. */
export const junkUsage: fc.Arbitrary<unknown> = fc.record(
  {
    inputTokens: junkNumber,
    outputTokens: junkNumber,
    totalTokens: junkNumber,
    cacheReadTokens: junkNumber,
    reasoningTokens: junkNumber,
    invalid: fc.oneof(fc.array(fc.anything({ maxDepth: 0 }), { maxLength: 20 }), hostile),
  },
  { requiredKeys: [] },
);

/** Anything an entry point might get: hostile values, arbitrary values, or the right shape with junk inside. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  hostile,
  fc.anything({ maxDepth: 1, maxKeys: 3 }),
  fc.record(
    {
      name: fc.oneof(fc.string(), hostile),
      type: fc.oneof(fc.constantFrom('api', 'mcp', 'function', 'constructor', '__proto__'), hostile),
      usage: fc.oneof(junkUsage, hostile),
      startedAt: fc.oneof(fc.constant(Date.now()), junkNumber),
      endedAt: fc.oneof(fc.constant(Date.now() + 5), junkNumber),
      at: junkNumber,
      model: fc.oneof(fc.constantFrom('gpt-4o', 'constructor', '__proto__', 'toString'), hostile),
      status: junkNumber,
      attempt: junkNumber,
      error: fc.oneof(fc.constant(new Error('boom')), hostile),
      kind: fc.oneof(fc.constantFrom('subagent', 'handoff', 'bogus'), hostile),
      outcome: fc.oneof(fc.constantFrom('success', 'failure', 'maybe'), hostile),
      providerType: fc.oneof(fc.constantFrom('LANGCHAIN', 'NOPE'), hostile),
      metadata: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.string(), hostile), { maxKeys: 3 }), hostile),
      countError: fc.oneof(fc.boolean(), hostile),
    },
    { requiredKeys: [] },
  ),
);
