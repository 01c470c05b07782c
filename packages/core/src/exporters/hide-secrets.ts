/** The symbol `util.inspect` (and so `console.log`) looks for; a plain `Symbol.for`, no `node:util` import. */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');

const HIDDEN = ['headers', 'secrets', 'url'] as const;

interface WithSecrets {
  headers: Record<string, string>;
  secrets: readonly string[];
  url: string;
  endpointOrigin: string;
  auth: 'basic' | 'bearer';
}

/**
 * Makes an exporter's resolved options safe to print: `headers`, `secrets` and `url` (whose
 * query may hold a token) become non-enumerable, and `util.inspect`, `console.log` and
 * `JSON.stringify` see a view where the credentials read `***`. The values stay readable by
 * name for the exporter itself.
 */
export function hideSecrets<T extends WithSecrets>(options: T): T {
  for (const key of HIDDEN)
    Object.defineProperty(options, key, { value: options[key], enumerable: false, writable: false });
  const view = () => printableView(options);
  Object.defineProperty(options, INSPECT, { value: view, enumerable: false });
  Object.defineProperty(options, 'toJSON', { value: view, enumerable: false });
  return options;
}

function printableView(options: WithSecrets): Record<string, unknown> {
  const view: Record<string, unknown> = { ...options };
  view.endpoint = `${options.endpointOrigin}/…`;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers))
    headers[name] = name === 'authorization' ? `${options.auth === 'basic' ? 'Basic' : 'Bearer'} ***` : value;
  view.headers = headers;
  view.secrets = `[${options.secrets.length} redacted]`;
  return view;
}
