import { type DiagnosticListener, Diagnostics } from '../diagnostics.js';

/** An exporter's `diagnostics` option: an existing channel is used as is; a listener gets a new channel. */
export function resolveDiagnosticsOption(
  option: Diagnostics | DiagnosticListener | undefined,
  logger?: Pick<Console, 'warn'> | false,
): Diagnostics {
  if (option instanceof Diagnostics) return option;
  const diagnostics = new Diagnostics(logger === undefined ? {} : { logger });
  if (typeof option === 'function') diagnostics.on(option);
  return diagnostics;
}
