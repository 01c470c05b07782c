const MARKER = Symbol.for('agent-metrics.error');

/** Base of every error this library throws; `isInstance` works across duplicate installs. */
export class MetricsError extends Error {
  readonly [MARKER] = true;
  override readonly name: string = 'MetricsError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  static isInstance(value: unknown): value is MetricsError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** A record or a payload broke the resourceMetrics schema; `issues` names each field and rule. */
export class ValidationError extends MetricsError {
  override readonly name = 'ValidationError';
  readonly issues: readonly import('../schema/validate-resource-metric.js').ValidationIssue[];

  constructor(options: {
    issues: readonly import('../schema/validate-resource-metric.js').ValidationIssue[];
    cause?: unknown;
  }) {
    const first = options.issues.slice(0, 3).map((issue) => issue.message);
    const more = options.issues.length > 3 ? ` (and ${options.issues.length - 3} more)` : '';
    super(`invalid resourceMetrics record: ${first.join('; ')}${more}`, { cause: options.cause });
    this.issues = options.issues;
  }
}

/** An option or environment variable is missing or malformed. Never carries a secret's value. */
export class ConfigurationError extends MetricsError {
  override readonly name = 'ConfigurationError';
  readonly option: string;

  constructor(options: { option: string; message: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.option = options.option;
  }
}
