// `@metrics/core/adapter`: what adapters build on, beside the recorder of the main entry. Users of
// the manual API do not need it.
export { toMetrics, isMetrics, adapterOptions } from './adapter/to-metrics.js';
export type { MetricsInput } from './adapter/to-metrics.js';
export { OpenRuns, OPEN_RUNS_DEFAULTS } from './adapter/open-runs.js';
export type { OpenRun, OpenRunsOptions } from './adapter/open-runs.js';
export { ClaimOnce } from './adapter/claim-once.js';
export { removeAt } from './adapter/short-list.js';
export { SteadyMap } from './adapter/steady-map.js';
export { hasBrand, processSingleton } from './adapter/brand.js';
export { keepShapes } from './recorder/kept-shapes.js';

export { AttemptLog, isFailedAttempt } from './attempts/attempt-log.js';
export type { HttpAttempt } from './attempts/attempt-log.js';
export {
  NOT_A_MODEL_CALL,
  addAttemptLogResolver,
  currentAttemptLog,
  enterAttemptScope,
  runInAttemptScope,
} from './attempts/attempt-scope.js';
export type { AttemptLogResolver, AttemptScope } from './attempts/attempt-scope.js';
export { HTTP_ATTEMPTS_OBSERVABLE, observeHttpAttempts } from './attempts/http-attempt-observer.js';
export { attemptFetch } from './attempts/attempt-fetch.js';
export { sendAsNotedAttempt } from './attempts/noted-attempt.js';
export { SMITHY_ATTEMPTS_MIDDLEWARE, addSmithyAttemptsMiddleware } from './attempts/smithy-attempts.js';
export type { SmithyClient } from './attempts/smithy-attempts.js';
export { classifyHttpStatus } from './errors/classify-error.js';
export { subtractUsage } from './usage/subtract-usage.js';
export { isObject, readFields } from './usage/read-fields.js';
export type { Fields, FieldsRead } from './usage/read-fields.js';
