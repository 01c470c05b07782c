/** Every `providerType` the resourceMetrics endpoint accepts. */
export const PROVIDER_TYPES = [
  'CUSTOM_PROVIDER',
  'ADOBE_EXPERIENCE_PLATFORM_AGENT_ORCHESTRATOR',
  'AG2',
  'AGENT_GARDEN',
  'AGNO',
  'AISDK',
  'AKKIO',
  'AUTO_GPT',
  'BABYAGI',
  'BEDROCK',
  'CAMEL_AI',
  'CHATFUEL',
  'CLOUDFLARE_AGENTS',
  'CREWAI',
  'DATAROBOT_NO_CODE_AI_APPS',
  'DIFY',
  'GOOGLE_AGENT_DEVELOPMENT_KIT',
  'HUGGING_FACE_TRANSFORMERS_AGENTS',
  'IBM_WATSONX_ASSISTANT',
  'KUBIYA_AI',
  'LANGCHAIN',
  'LANGFLOW',
  'LANGGRAPH',
  'LLAMAINDEX',
  'LYZR',
  'MASTRA',
  'METAGPT',
  'MICROSOFT_AUTOGEN',
  'MICROSOFT_COPILOT_STUDIO',
  'MICROSOFT_SEMANTIC_KERNEL',
  'N8N',
  'OPENAI_AGENTS_SDK',
  'OPENAI_CHATGPT_TEAM_ENTERPRISE',
  'PHIDATA',
  'PYDANTIC_AI',
  'RASA',
  'SALESFORCE_AGENTFORCE',
  'SERVICENOW_AI_AGENTS',
  'SMOLAGENTS',
  'STRANDS_AGENTS',
  'SUPERAGI',
  'WORKDAY_AI_AGENTS',
] as const;

export type ProviderType = (typeof PROVIDER_TYPES)[number];

const providerTypeSet: ReadonlySet<string> = new Set(PROVIDER_TYPES);

export function isProviderType(value: unknown): value is ProviderType {
  return typeof value === 'string' && providerTypeSet.has(value);
}
