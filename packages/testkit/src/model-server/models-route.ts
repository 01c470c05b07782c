import type { ServerResponse } from 'node:http';
import { sendJson } from '../server/send-json.js';
import { DEFAULT_MODEL } from './types.js';

const KNOWN_MODELS = ['gpt-4o', 'gpt-4.1-mini', 'claude-sonnet-4-5'];

function modelEntry(id: string) {
  return { id, object: 'model', type: 'model', created: 1_700_000_000 };
}

/** `GET …/models`: the default model and a few well-known ids, in both OpenAI's and Anthropic's shape. */
function listModels(res: ServerResponse, defaultModel: string | undefined): void {
  const ids = new Set<string>([defaultModel ?? DEFAULT_MODEL, ...KNOWN_MODELS]);
  const data = [...ids].map((id) => ({
    ...modelEntry(id),
    created_at: '2023-11-14T22:13:20Z',
    owned_by: 'metrics-testkit',
    display_name: id,
  }));
  sendJson(res, 200, {
    object: 'list',
    data,
    has_more: false,
    first_id: data[0]?.id,
    last_id: data.at(-1)?.id,
  });
}

/** `GET …/models` or `GET …/models/<id>`. */
export function answerModels(res: ServerResponse, path: string, defaultModel: string | undefined): void {
  const single = /\/models\/([^/]+)$/.exec(path)?.[1];
  if (!single || single === 'models') {
    listModels(res, defaultModel);
    return;
  }
  const id = decodeURIComponent(single);
  sendJson(res, 200, { ...modelEntry(id), owned_by: 'metrics-testkit', display_name: id });
}
