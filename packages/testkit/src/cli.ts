import { runCli } from './run-cli.js';

try {
  const running = await runCli(process.argv.slice(2));
  if (running) {
    const stop = () => {
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
} catch (error) {
  process.stderr.write(`metrics-testkit: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
