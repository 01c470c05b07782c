import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DiagnosticEvent, Diagnostics } from '../diagnostics.js';
import { OpenRuns } from './open-runs.js';

let events: DiagnosticEvent[];
let diagnostics: Diagnostics;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance', 'Date'] });
  events = [];
  diagnostics = new Diagnostics({ logger: false });
  diagnostics.on((event) => events.push(event));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('OpenRuns', () => {
  it('never evicts a live run: only one silent for the timeout, and its late events are dropped and counted', () => {
    const finished: string[] = [];
    const runs = new OpenRuns<string, string>((value) => finished.push(value), diagnostics, 'test', {
      openRunTimeoutMs: 1000,
    });
    runs.add('a', 'run a');
    runs.add('b', 'run b');
    vi.advanceTimersByTime(600);
    expect(runs.get('a')).toBe('run a'); // a is seen; b stays silent
    vi.advanceTimersByTime(500);
    runs.add('c', 'run c'); // sweeps: b silent for 1100 ms, a for 500 ms
    expect(finished).toEqual(['run b']);
    expect(runs.get('b')).toBeUndefined();
    expect(runs.wasEvicted('b')).toBe(true);
    expect([runs.size, runs.evictions, runs.lateEvents]).toEqual([2, 1, 1]);
    expect(events.map((e) => e.type)).toEqual(['runs.evicted', 'runs.late-event']);
  });

  it('past the memory bound, finishes the run silent the longest', () => {
    const finished: number[] = [];
    const runs = new OpenRuns<number, number>((value) => finished.push(value), diagnostics, 'test', {
      maxOpenRuns: 3,
    });
    for (let i = 0; i < 3; i++) {
      runs.add(i, i);
      vi.advanceTimersByTime(10);
    }
    runs.get(0);
    runs.add(3, 3);
    expect(finished).toEqual([1]);
    expect([...runs.values()].sort()).toEqual([0, 2, 3]);
  });

  it('5,000 open runs stay open at the defaults, and a normal end forgets its run', () => {
    const finished: number[] = [];
    const runs = new OpenRuns<number, number>((value) => finished.push(value), diagnostics, 'test');
    for (let i = 0; i < 5000; i++) runs.add(i, i);
    vi.advanceTimersByTime(60_000);
    for (let i = 0; i < 5000; i++) expect(runs.get(i)).toBe(i);
    for (let i = 0; i < 5000; i++) runs.delete(i);
    expect([runs.size, finished.length, runs.evictions]).toEqual([0, 0, 0]);
  });

  it('a finish callback that throws is reported, never thrown', () => {
    const runs = new OpenRuns<string, string>(
      () => {
        throw new Error('bad');
      },
      diagnostics,
      'test',
      { maxOpenRuns: 1 },
    );
    runs.add('a', 'a');
    expect(() => runs.add('b', 'b')).not.toThrow();
    expect(events.some((e) => e.level === 'error' || e.type.includes('error'))).toBe(true);
  });
});

describe('OpenRuns links', () => {
  it("a child run's key leads to its run; eviction drops the late events of every key of the run", () => {
    const finished: string[] = [];
    const runs = new OpenRuns<string, string>((value) => finished.push(value), diagnostics, 'test', {
      openRunTimeoutMs: 1000,
    });
    runs.add('root', 'run');
    expect(runs.link('child', 'root')).toBe(true);
    expect(runs.link('grandchild', 'child')).toBe(true);
    expect(runs.link('orphan', 'nowhere')).toBe(false);
    expect(runs.get('grandchild')).toBe('run'); // seen: no clock read
    vi.advanceTimersByTime(200);
    runs.sweep(); // the first reading after that event
    vi.advanceTimersByTime(1000);
    runs.sweep();
    expect(finished).toEqual(['run']);
    expect([runs.get('child'), runs.wasEvicted('grandchild'), runs.lateEvents]).toEqual([undefined, true, 1]);
  });

  it('a normal end forgets the linked keys too', () => {
    const runs = new OpenRuns<string, string>(() => {}, diagnostics, 'test');
    runs.add('root', 'run');
    runs.link('child', 'root');
    runs.delete('root');
    expect([runs.get('child'), runs.wasEvicted('child'), runs.size]).toEqual([undefined, false, 0]);
  });
});

describe('OpenRuns handles', () => {
  it('seen(handle) keeps a run alive like an event looked up by key: evicted a full timeout after the first mark that covers it', () => {
    const finished: string[] = [];
    const runs = new OpenRuns<string, string>((value) => finished.push(value), diagnostics, 'test', {
      openRunTimeoutMs: 1000,
    });
    const handle = runs.add('root', 'run');
    expect(handle.key).toBe('root');
    vi.advanceTimersByTime(800);
    runs.seen(handle); // at 800
    vi.advanceTimersByTime(800);
    runs.sweep(); // at 1600: a mark covering the event at 800
    expect([finished, runs.size]).toEqual([[], 1]);
    vi.advanceTimersByTime(300);
    runs.sweep(); // at 1900: silent 1,100 ms, but known silent only since 1600
    expect([finished, runs.size]).toEqual([[], 1]);
    vi.advanceTimersByTime(700);
    runs.sweep(); // at 2600
    expect([finished, runs.size]).toEqual([['run'], 0]);
  });

  it('never evicts early: a run seen 1 ms before a sweep outlives one silent since it was added', () => {
    const finished: string[] = [];
    const runs = new OpenRuns<string, string>((value) => finished.push(value), diagnostics, 'test', {
      openRunTimeoutMs: 1000,
    });
    const busy = runs.add('busy', 'busy');
    runs.add('idle', 'idle');
    vi.advanceTimersByTime(200);
    runs.sweep(); // at 200: both added by now
    vi.advanceTimersByTime(999);
    runs.seen(busy); // at 1199
    vi.advanceTimersByTime(1);
    runs.sweep(); // at 1200: idle known silent since 200
    expect(finished).toEqual(['idle']);
    for (let at = 1300; at < 2200; at += 100) {
      vi.advanceTimersByTime(100);
      runs.sweep(); // busy's event is covered from 1200 on: never evicted before 2200
    }
    expect(finished).toEqual(['idle']);
    vi.advanceTimersByTime(100);
    runs.sweep(); // at 2200
    expect(finished).toEqual(['idle', 'busy']);
  });

  it('on a busy process, a silent run is finished at most three eighths of the timeout late', () => {
    const finished: number[] = [];
    const runs = new OpenRuns<number, number>((value) => finished.push(value), diagnostics, 'test', {
      openRunTimeoutMs: 8000,
    });
    vi.advanceTimersByTime(50);
    const silentFrom = Date.now();
    runs.add(-1, -1); // the run that goes silent
    let finishedAt = -1;
    for (let i = 0; i < 2000 && finishedAt < 0; i++) {
      vi.advanceTimersByTime(7); // a new run every 7 ms; each one ends before the next
      if (i > 0) runs.delete(i - 1);
      runs.add(i, i);
      if (finished.includes(-1)) finishedAt = Date.now() - silentFrom;
    }
    expect(finished).toEqual([-1]);
    expect(finishedAt).toBeGreaterThanOrEqual(8000);
    expect(finishedAt).toBeLessThanOrEqual(8000 * (1 + 3 / 8));
  });

  it('past the memory bound, the order of silence is exact even within one millisecond', () => {
    const finished: string[] = [];
    const runs = new OpenRuns<string, string>((value) => finished.push(value), diagnostics, 'test', {
      maxOpenRuns: 2,
    });
    const first = runs.add('first', 'first');
    runs.add('second', 'second');
    runs.seen(first);
    runs.add('third', 'third');
    expect(finished).toEqual(['second']);
    expect(runs.get('first')).toBe('first');
    runs.add('fourth', 'fourth');
    expect(finished).toEqual(['second', 'third']);
  });

  it('keeps few marks however long the process runs', () => {
    const runs = new OpenRuns<number, number>(() => {}, diagnostics, 'test', { openRunTimeoutMs: 1000 });
    for (let i = 0; i < 10_000; i++) {
      vi.advanceTimersByTime(50);
      runs.add(i, i);
      if (i > 0) runs.delete(i - 1);
    }
    expect((runs as unknown as { marks: unknown[] }).marks.length).toBeLessThanOrEqual(12);
    expect(runs.size).toBe(1);
  });

  it("attached keys are never looked up, and the evicted run's late events under them are dropped", () => {
    const runs = new OpenRuns<string, string>(() => {}, diagnostics, 'test', { openRunTimeoutMs: 1000 });
    const handle = runs.add('root', 'run');
    expect(runs.attachedKeys(handle)).toEqual([]);
    runs.attach(handle, 'child');
    expect(runs.attachedKeys(handle)).toEqual(['child']);
    expect([runs.get('child'), runs.wasEvicted('child')]).toEqual([undefined, false]);
    vi.advanceTimersByTime(1500);
    runs.sweep();
    expect([runs.get('child'), runs.wasEvicted('child'), runs.lateEvents]).toEqual([undefined, true, 1]);
  });

  it('a normal end leaves no attached key behind as evicted', () => {
    const runs = new OpenRuns<string, string>(() => {}, diagnostics, 'test');
    runs.attach(runs.add('root', 'run'), 'child');
    runs.delete('root');
    expect([runs.wasEvicted('child'), runs.wasEvicted('root'), runs.size]).toEqual([false, false, 0]);
  });
});
