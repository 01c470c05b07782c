// instrumentRunner is explicit and reversible: uninstrument() puts back everything it replaced.
import { InMemoryExporter } from '@metrics/core/testing';
import { Agent, Runner, Usage } from '@openai/agents';
import { assistantMessage, ScriptedModel } from '@openai/agents/testing';
import { expect, it } from 'vitest';
import { instrumentRunner } from './index.js';

const answer = (input: number) => ({
  output: [assistantMessage('ok')],
  usage: new Usage({ requests: 1, inputTokens: input, outputTokens: 1, totalTokens: input + 1 }),
});

it('uninstrument() restores the runner, its model provider and the agents’ models; later runs are not recorded', async () => {
  const memory = new InMemoryExporter();
  const runner = new Runner();
  const provider = runner.config.modelProvider;
  const model = new ScriptedModel([answer(3), answer(5)]);
  const agent = new Agent({ name: 'a', instructions: 'x', model });
  const instrumentation = instrumentRunner(runner, { exporters: [memory], logger: false });
  await runner.run(agent, 'one');
  expect(await memory.waitFor(1)).toHaveLength(1);
  expect(agent.model).not.toBe(model); // the metered proxy
  expect(Object.hasOwn(runner, 'run')).toBe(true);

  instrumentation.uninstrument();
  expect(agent.model).toBe(model);
  expect(runner.config.modelProvider).toBe(provider);
  expect(Object.hasOwn(runner, 'run')).toBe(false);
  await runner.run(agent, 'two');
  await instrumentation.flush();
  expect(memory.records).toHaveLength(1);
  expect(memory.records[0]!.summary).toMatchObject({ modelCalls: 1, usage: { inputTokens: 3 } });
  // a new instrumentation of the same runner records again
  const again = instrumentRunner(runner, { exporters: [memory], logger: false });
  expect(again).not.toBe(instrumentation);
  again.uninstrument();
});
