/** Why an input line or row was left out; every one is counted and shown, never fatal. */
export type SkipReason =
  | 'unreadable'
  | 'not_an_object'
  | 'unknown_type'
  | 'unknown_version'
  | 'invalid_record'
  | 'truncated_tail'
  | 'duplicate_run'
  | 'database_locked';

export type SkippedCounts = Record<SkipReason, number>;

export const SKIP_REASONS: readonly SkipReason[] = [
  'unreadable',
  'not_an_object',
  'unknown_type',
  'unknown_version',
  'invalid_record',
  'truncated_tail',
  'duplicate_run',
  'database_locked',
];

export function emptySkipped(): SkippedCounts {
  return {
    unreadable: 0,
    not_an_object: 0,
    unknown_type: 0,
    unknown_version: 0,
    invalid_record: 0,
    truncated_tail: 0,
    duplicate_run: 0,
    database_locked: 0,
  };
}
