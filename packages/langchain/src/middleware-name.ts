export const MIDDLEWARE_NAME = 'AgentMetrics';
