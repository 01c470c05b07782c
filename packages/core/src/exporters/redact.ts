import { maskSecrets } from '../errors/classify-error.js';

/**
 * Returns a function that removes every given secret (in each of the forms listed) from a text,
 * then masks anything else that looks like a credential. Used on every message an exporter emits,
 * including an endpoint's error body, which may echo the request's headers.
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const forms = [...new Set(secrets.filter((secret) => secret.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  return (text: string) => {
    let out = text;
    for (const secret of forms) if (out.includes(secret)) out = out.split(secret).join('***');
    return maskSecrets(out);
  };
}
