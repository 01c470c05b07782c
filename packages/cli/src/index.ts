export { HELP, runCli } from './cli.js';
export type { CliIo } from './cli.js';
export { formatValidateOutcome, validateDocument } from './validate-command.js';
export type { ValidateOutcome } from './validate-command.js';
export { buildUsageReport, formatUsageReport } from './report-command.js';
export type { UsageReport, UsageTotals } from './report-command.js';
