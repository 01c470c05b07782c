/**
 * "Count each model call once" between two hooks of one framework that both see it (a model
 * middleware and a telemetry integration; a callback handler and a middleware): the first hook to
 * claim a call's key records it, the other stands down. Object keys are held weakly, so a claim
 * lives exactly as long as the call object the framework keeps.
 */
export class ClaimOnce {
  private readonly claimed = new WeakSet<object>();

  /** `true` for the first claim of `key`, `false` for every later one. */
  claim(key: object): boolean {
    if (this.claimed.has(key)) return false;
    this.claimed.add(key);
    return true;
  }

  /** Whether `key` was claimed already (without claiming it). */
  isClaimed(key: object): boolean {
    return this.claimed.has(key);
  }
}
