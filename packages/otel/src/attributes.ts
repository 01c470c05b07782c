import type { ErrorInfo, ToolType } from '@metrics/core';
import { OTHER } from './names.js';

/** Prefixes of provider ids seen in frameworks (AI SDK `openai.chat`, LangChain `ls_provider`, ...) → `gen_ai.provider.name`. */
const PROVIDER_ALIASES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^azure[-_.]?openai|^azure\.ai\.openai/, 'azure.ai.openai'],
  [/^azure[-_.]?ai[-_.]?inference/, 'azure.ai.inference'],
  [/^(amazon[-_.]?)?bedrock|^aws/, 'aws.bedrock'],
  [/^(google[-_.])?vertex/, 'gcp.vertex_ai'],
  [/^google|^gemini|^gcp\.gemini|^genai/, 'gcp.gemini'],
  [/^mistral/, 'mistral_ai'],
  [/^x[-_]?ai|^grok/, 'x_ai'],
  [/^moonshot/, 'moonshot_ai'],
  [/^ibm|^watsonx/, 'ibm.watsonx.ai'],
  [/^openai/, 'openai'],
  [/^anthropic/, 'anthropic'],
  [/^cohere/, 'cohere'],
  [/^deepseek/, 'deepseek'],
  [/^groq/, 'groq'],
  [/^perplexity/, 'perplexity'],
];

/** The well-known values of `gen_ai.provider.name`. */
export const PROVIDER_NAMES: ReadonlySet<string> = new Set([
  'anthropic',
  'aws.bedrock',
  'azure.ai.inference',
  'azure.ai.openai',
  'cohere',
  'deepseek',
  'gcp.gemini',
  'gcp.gen_ai',
  'gcp.vertex_ai',
  'groq',
  'ibm.watsonx.ai',
  'mistral_ai',
  'moonshot_ai',
  'openai',
  'perplexity',
  'x_ai',
]);

const PLAIN_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

/**
 * Maps a model call's provider id to a well-known `gen_ai.provider.name` value. An unknown id that
 * looks like a plain name keeps its first dotted segment, lowercased (`ollama.chat` → `ollama`);
 * anything else (a URL, free text) becomes `_OTHER`.
 */
export function toProviderName(provider: string | undefined): string {
  if (provider === undefined) return OTHER;
  const id = provider.trim().toLowerCase();
  if (PROVIDER_NAMES.has(id)) return id;
  for (const [pattern, name] of PROVIDER_ALIASES) if (pattern.test(id)) return name;
  if (!PLAIN_NAME.test(id)) return OTHER;
  return id.split('.', 1)[0] ?? OTHER;
}

const ERROR_NAME = /^[A-Za-z_$][\w$.]{0,63}$/;

/**
 * `error.type` from a classified error, low-cardinality by construction: the HTTP status when one
 * was found (`429`, `500`), else the category (`timeout`, `network`, `abort`), else the error's
 * class name (`TypeError`), else `_OTHER`.
 */
export function toErrorType(error: ErrorInfo | undefined): string {
  if (!error) return OTHER;
  if (error.status !== undefined) return String(error.status);
  if (error.category !== 'unknown') return error.category;
  return ERROR_NAME.test(error.name) ? error.name : OTHER;
}

/** `gen_ai.tool.type`: a function tool the agent's host runs is `function`; an MCP server tool is an `extension`. */
export function toToolType(type: ToolType): string {
  return type === 'mcp' ? 'extension' : 'function';
}

/** Which tool names may appear as `gen_ai.tool.name`; the others are reported as `_OTHER`. */
export type ToolNamePolicy = boolean | readonly string[] | ((name: string) => boolean);

export function toolNameFilter(policy: ToolNamePolicy | undefined): (name: string) => string {
  if (policy === true) return (name) => name;
  if (typeof policy === 'function')
    return (name) => {
      try {
        return policy(name) === true ? name : OTHER;
      } catch {
        return OTHER;
      }
    };
  if (Array.isArray(policy)) {
    const allowed = new Set<string>(policy);
    return (name) => (allowed.has(name) ? name : OTHER);
  }
  return () => OTHER;
}
