/** An error's message with the secrets removed before it is shortened (never cut mid-secret). */
export function safeErrorMessage(error: unknown, redact: (text: string) => string): string {
  let message: unknown;
  try {
    message = (error as { message?: unknown })?.message;
  } catch {
    message = undefined;
  }
  return typeof message === 'string' ? redact(message.slice(0, 4096)).slice(0, 200) : 'unknown error';
}
