// Our own code's instructions in a callgrind output file of a bench child run with node's
// `--perf-basic-prof` (scripts/overhead-bench.mjs with BENCH_OWN_CODE=1): a direct count, where
// the bench's "own cost" is a difference of two whole processes.
//
// Why: where the framework spends millions of instructions per model call, its own count moves
// between processes and runs by far more than our budget (measured 2026-12-07: Mastra's exporter
// floor in two modes 250 k per model call apart, LangChain's handler floor by 300 k between two
// runs of the same code when V8 kept re-tiering the framework inside the window), while our code
// read 18-33 k per model call in every profile. The difference cannot resolve 10 µs there; this
// count can.
//
// What counts as ours: the self cost of every JavaScript function whose script is in this
// repository's `packages/*/dist/` (the adapter and the core), named from V8's perf map, plus the
// inclusive cost of each call from one of them into a callee that is not JavaScript (V8's
// built-ins and runtime, Node's C++: map and set operations, `Object.freeze`, the clock). Calls
// through a trampoline into JavaScript (call and construct stubs, promise and async built-ins)
// are left out: the JavaScript callee is counted on its own, ours or not; so are V8's compiling and
// collecting, as in the whole count, also where they run below a built-in we called (a young
// collection when `new` or a closure finds the young generation full: 12.5 M instructions in one
// 100-run LangChain window, 62 k per model call billed to a closure's allocation before
// 2026-12-07). So it undercounts what
// Node's own JavaScript does for us (`AsyncLocalStorage`, `randomUUID`'s JavaScript part), and the
// framework's work our code causes (a callback the framework awaits) is not in it at all.
import { readFileSync } from 'node:fs';
import { COLLECT_ENTRY, COMPILE_ENTRY, walkCallgrindCosts } from './callgrind-jit.mjs';

// V8's compiling and collecting, left out here as from the whole count (callgrind-jit.mjs): the
// built-ins that enter the compiler from JavaScript code, and the runtime's entry points
const COMPILING_BUILTIN = /^Builtins_(Optimize|CompileLazy|InstallBaselineCode|\w*OnStackReplacement)/;

// generated code's slow allocation path: it calls the runtime through the one C entry stub that
// every runtime call shares, so callgrind cannot say which part below it was a collection; the
// slow path is taken when the young generation's linear buffer is used up, where a collection
// starts, so all of it is left out with the collecting
const ALLOCATION_SLOW_PATH = /^Builtins_AllocateIn(Young|Old)Generation$/;

// built-ins that can call into JavaScript (a callee, a getter, a callback, a proxy trap): their
// inclusive cost holds that JavaScript's, which is counted on its own (ours or not)
const TRAMPOLINE =
  /^Builtins_(Call|Construct|JSConstruct|JSBuiltinsConstruct|BaselineOutOfLinePrologue|BaselineLeaveFrame|InterpreterEntry|InterpreterPushArgs|ArgumentsAdaptor|AsyncFunction|PromiseConstructor|ResolvePromise|RunMicrotasks|FulfillPromise|PerformPromiseThen|PromiseThen|PromisePrototype|AsyncGenerator|GeneratorPrototype|Reflect|FunctionPrototype(Apply|Call|Bind)|Proxy|ArrayForEach|ArrayMap|ArrayFilter|ArrayFind|ArraySome|ArrayEvery|ArrayReduce|ArrayPrototype(ForEach|Map|Filter|Find|Some|Every|Reduce|Sort))/;

/** JIT code ranges from a perf map (`/tmp/perf-<pid>.map`: start, size and name in hex). */
function readPerfMap(file) {
  const ranges = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (match)
      ranges.push({
        start: Number.parseInt(match[1], 16),
        size: Number.parseInt(match[2], 16),
        name: match[3],
      });
  }
  ranges.sort((a, b) => a.start - b.start);
  return (address) => {
    let low = 0;
    let high = ranges.length - 1;
    let best;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (ranges[middle].start <= address) {
        best = ranges[middle];
        low = middle + 1;
      } else high = middle - 1;
    }
    return best && address < best.start + best.size ? best.name : undefined;
  };
}

/**
 * @param {string} file a callgrind output file
 * @param {string} perfMap the perf map node wrote for that process
 * @param {RegExp} ours matches the name (`JS:*'fn file:///…/packages/x/dist/…`) of a function of ours
 * @returns {number} the instructions of our own code in the counted window
 */
export function readOwnCodeInstructions(file, perfMap, ours) {
  const jitName = readPerfMap(perfMap);
  const self = new Map();
  const calls = [];
  const declared = walkCallgrindCosts(file, {
    self: (fn, cost) => self.set(fn, (self.get(fn) ?? 0) + cost),
    call: (fn, callee, cost) => {
      calls.push(fn, callee, cost);
    },
  });
  const resolved = new Map();
  const nameOf = (id) => {
    let name = resolved.get(id);
    if (name !== undefined) return name;
    name = declared(id);
    // JIT code is named by its address; callgrind adds `'2` to a function's recursive calls
    const address = /^0x([0-9a-f]+)(?:'\d+)?$/i.exec(name);
    if (address) name = jitName(Number.parseInt(address[1], 16)) ?? '';
    resolved.set(id, name);
    return name;
  };
  const isJavaScript = (name) => name.startsWith('JS:') || name === '';
  const notWork = (name) =>
    COMPILE_ENTRY.test(name) ||
    COLLECT_ENTRY.test(name) ||
    COMPILING_BUILTIN.test(name) ||
    ALLOCATION_SLOW_PATH.test(name);
  const share = compilingAndCollectingShare(self, calls, (id) => notWork(nameOf(id)));
  let own = 0;
  for (const [fn, cost] of self) if (ours.test(nameOf(fn))) own += cost;
  for (let i = 0; i < calls.length; i += 3) {
    if (!ours.test(nameOf(calls[i]))) continue;
    const to = nameOf(calls[i + 1]);
    if (isJavaScript(to) || TRAMPOLINE.test(to) || notWork(to)) continue;
    own += calls[i + 2] * (1 - share(calls[i + 1]));
  }
  return Math.round(own);
}

/**
 * The share of a function's inclusive cost spent below it in compiling or collecting entry points
 * (`isEntry`), through any depth of callees. Callgrind gives each call's inclusive cost, not how
 * it divides below, so a callee's share is taken to be the same at every call site. A call cycle
 * counts as none on the way round.
 */
function compilingAndCollectingShare(self, calls, isEntry) {
  const callsOf = new Map();
  for (let i = 0; i < calls.length; i += 3) {
    let list = callsOf.get(calls[i]);
    if (!list) {
      list = [];
      callsOf.set(calls[i], list);
    }
    list.push(calls[i + 1], calls[i + 2]);
  }
  const shares = new Map();
  const share = (fn) => {
    const known = shares.get(fn);
    if (known !== undefined) return known;
    shares.set(fn, 0); // on a cycle
    const list = callsOf.get(fn) ?? [];
    let inclusive = self.get(fn) ?? 0;
    let below = 0;
    for (let i = 0; i < list.length; i += 2) {
      const [callee, cost] = [list[i], list[i + 1]];
      inclusive += cost;
      below += isEntry(callee) ? cost : cost * share(callee);
    }
    const result = inclusive > 0 ? Math.min(1, below / inclusive) : 0;
    shares.set(fn, result);
    return result;
  };
  return share;
}
