/** The `source` of this adapter's diagnostics. */
export const SOURCE = '@metrics/llamaindex';
