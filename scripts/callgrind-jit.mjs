// Reads a callgrind output file of a bench child: the instructions it counted, and how many of
// them V8 spent compiling (lazy compilation, Sparkplug, Maglev and TurboFan tier-up, on-stack
// replacement), so the bench can leave compilation out.
//
// Why leave it out: V8 tiers a function up after a number of invocations scaled by its size, so
// some TurboFan compiles land inside a measured window however long the warm-up (measured: a core
// invocation still had ~12 compiles in its window after 10,000 warm-up runs). One compile is
// roughly 10-40 million instructions, against a few hundred thousand for a model call, and which
// functions happen to compile inside the window shifts with any code change: a window that
// includes them measures the compiler. Compilation happens once per process; what users pay per
// model call is the compiled code's execution, which is what remains.
//
// The compile cost is each compile entry point's inclusive cost (its `calls=` lines), summed where
// the caller is not itself a compile entry point, so nested compiles are not counted twice.
import { readFileSync } from 'node:fs';

const COMPILE_ENTRY =
  /Runtime_(CompileLazy|CompileOptimized|CompileBaseline|InstallBaselineCode|Optimize\w*|\w*OSR\w*|HandleOsr\w*)\b/;

/**
 * @param {string} file a callgrind output file (`--callgrind-out-file`)
 * @returns {{ instructions: number, compiling: number }} every instruction counted, and the part
 *   spent compiling
 */
export function readCallgrindCounts(file) {
  const names = new Map();
  let caller = '';
  let callee = '';
  let afterCalls = false;
  let instructions = 0;
  let compiling = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const fn = /^(c?fn)=\((\d+)\)(?: (.*))?$/.exec(line);
    if (fn) {
      const [, kind, id, name] = fn;
      if (name !== undefined) names.set(id, name);
      if (kind === 'fn') caller = id;
      else callee = id;
      continue;
    }
    if (line.startsWith('calls=')) {
      afterCalls = true;
      continue;
    }
    const first = line.charCodeAt(0);
    // a cost line: a position (a number, or +n / -n / * relative to the previous one), then the count
    if (!((first >= 48 && first <= 57) || line[0] === '+' || line[0] === '-' || line[0] === '*')) continue;
    const cost = Number(line.split(' ')[1] ?? 0);
    if (afterCalls) {
      afterCalls = false;
      if (COMPILE_ENTRY.test(names.get(callee) ?? '') && !COMPILE_ENTRY.test(names.get(caller) ?? ''))
        compiling += cost;
    } else {
      instructions += cost;
    }
  }
  return { instructions, compiling };
}
