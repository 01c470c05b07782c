import { Settings } from '@llamaindex/core/global';
import { RunCallbackManager } from './callback-manager.js';
import { type RunState, runStorage } from './run-state.js';

/**
 * The run current here: its state (`undefined` once it ended), or `null` outside any run of
 * `instrument()` / `run(fn)` (then a run may be found through the workflow run). A run is current
 * through its callback manager in `Settings` (`RunCallbackManager`), or, where a
 * `MetricsCallbackManager` is installed and sees the run's events itself, through `runStorage`.
 * For an `event`, an ended run is marked as seen (as `RunState` does for its own events).
 */
export function currentRun(event = false): RunState | undefined | null {
  const manager = Settings.callbackManager;
  const ref = manager instanceof RunCallbackManager ? manager.run : runStorage.getStore();
  if (ref === undefined) return null;
  if (event && ref.state === undefined) ref.seen?.();
  return ref.state;
}
