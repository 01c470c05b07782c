// Cost of seeing HTTP attempts (docs/http-attempts.md): the core's diagnostics-channel subscriber
// runs on every HTTP request of the process, so it is on every model call's path.
//
// A real loopback `fetch` costs ~600 µs of CPU here and varies by ±60 µs between processes, far
// more than the subscriber, so this measures the subscriber itself: each "request" publishes the
// three messages undici publishes for a fetch (`undici:request:create`, `:headers`, `:trailers`)
// on the real channels, with a fresh request object each time. One variant per process (rotated
// over BENCH_PROCESSES processes), CPU time, median over processes:
//   bare      no subscriber: publishing to channels nobody listens to;
//   outside   the core subscribed, requests outside any model call (a tool's, the app's own);
//   attempts  every request inside an open model call, noted as its attempt (calls of 2 requests).
// Budget: the subscriber adds at most 10 µs per request (issue #19's own-cost budget per model call).
import { fork } from 'node:child_process';
import { channel } from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200_000);
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 4);
const BUDGET_US = 10;
const VARIANTS = ['bare', 'outside', 'attempts'];
const self = fileURLToPath(import.meta.url);

const create = channel('undici:request:create');
const headers = channel('undici:request:headers');
const trailers = channel('undici:request:trailers');
const response = { statusCode: 200 };

function request(i) {
  const req = { origin: 'https://api.openai.com', path: '/v1/chat/completions', method: 'POST', id: i };
  create.publish({ request: req });
  headers.publish({ request: req, response });
  trailers.publish({ request: req, trailers: [] });
}

async function child(variant) {
  let loop = (n) => {
    for (let i = 0; i < n; i++) request(i);
  };
  if (variant !== 'bare') {
    const { InvocationRecorder, observeHttpAttempts } = await import('../dist/index.js');
    observeHttpAttempts();
    if (variant === 'attempts')
      loop = (n) => {
        let run = new InvocationRecorder({});
        for (let i = 0; i < n; i += 2) {
          if (i % 1000 === 0) {
            run.end();
            run = new InvocationRecorder({});
          }
          const call = run.startModelCall({ model: 'm' });
          request(i);
          request(i + 1);
          call.end();
        }
        run.end();
      };
  }
  loop(20_000); // warm-up
  const before = process.cpuUsage();
  loop(REQUESTS);
  const used = process.cpuUsage(before);
  process.send({ usPerRequest: (used.user + used.system) / REQUESTS });
}

function runChild(variant) {
  return new Promise((resolve, reject) => {
    const proc = fork(self, [variant], { execArgv: ['--single-threaded', '--max-semi-space-size=64'] });
    proc.on('message', (m) => resolve(m.usPerRequest));
    proc.on('error', reject);
    proc.on('exit', (code) => code !== 0 && reject(new Error(`${variant} exited ${code}`)));
  });
}

async function parent() {
  const samples = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  for (let p = 0; p < PROCESSES; p++)
    for (let i = 0; i < VARIANTS.length; i++) {
      const variant = VARIANTS[(i + p) % VARIANTS.length];
      samples[variant].push(await runChild(variant));
    }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const bare = median(samples.bare);
  console.log(
    `HTTP attempts subscriber: CPU µs per request (3 channel messages), ${REQUESTS} per process, median of ${PROCESSES} processes (Node ${process.versions.node})`,
  );
  let over = false;
  for (const variant of VARIANTS) {
    const m = median(samples[variant]);
    const added = m - bare;
    const each = samples[variant].map((x) => x.toFixed(2)).join(', ');
    const extra = variant === 'bare' ? '' : `  (+${added.toFixed(2)} µs)`;
    console.log(`  ${variant.padEnd(9)} ${m.toFixed(2).padStart(6)} µs${extra}   [${each}]`);
    if (variant !== 'bare' && added > BUDGET_US) over = true;
  }
  console.log(
    over
      ? `over budget: more than ${BUDGET_US} µs added per request`
      : `within budget (≤ ${BUDGET_US} µs added per request)`,
  );
  if (over) process.exitCode = 1;
}

const role = process.argv[2];
if (role) await child(role);
else await parent();
