/** Why the collector refuses a request: the status, a sentence, extra body fields and headers. */
export interface Refusal {
  status: number;
  error: string;
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The JSON body of a refusal: `{ error: <status text>, message, ...extra }`. */
export function refusalBody(refusal: Refusal): Record<string, unknown> {
  const { status, error, extra = {} } = refusal;
  return { error: STATUS_TEXT[status] ?? `HTTP ${status}`, message: error, ...extra };
}
