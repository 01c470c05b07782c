// The example's one function tool, shared by both agents.
const orders: Record<string, string> = { 'A-17': 'ships tomorrow' };

export const lookupOrder = {
  name: 'lookup_order',
  description: 'Status of an order',
  parameters: { type: 'object' as const, properties: { id: { type: 'string' } }, required: ['id'] },
  run(argumentsJson: string): string {
    const { id } = JSON.parse(argumentsJson || '{}') as { id?: string };
    const status = id === undefined ? undefined : orders[id];
    if (!status) throw new Error(`order ${id} not found`);
    return status;
  },
};
