import { type Answer, type Frames, argumentsObject, randomId, sseEvent } from './answer.js';

/**
 * Maps script usage to Gemini `usageMetadata`: `promptTokenCount` includes cached content,
 * `candidatesTokenCount` excludes thinking, reported as `thoughtsTokenCount`. Gemini reports no
 * cache writes (a script's `cacheWrite` stays part of the prompt).
 */
export function geminiUsage(answer: Answer) {
  const u = answer.usage;
  return {
    promptTokenCount: u.input,
    candidatesTokenCount: u.output - u.reasoning,
    totalTokenCount: u.input + u.output,
    ...(u.cached > 0 ? { cachedContentTokenCount: u.cached } : {}),
    ...(u.reasoning > 0 ? { thoughtsTokenCount: u.reasoning } : {}),
  };
}

function functionCallParts(answer: Answer): unknown[] {
  return answer.toolCalls.map((call) => ({
    functionCall: { ...(call.id ? { id: call.id } : {}), name: call.name, args: argumentsObject(call) },
  }));
}

function chunk(answer: Answer, parts: unknown[], last: boolean, responseId: string): unknown {
  return {
    candidates: [
      {
        content: { role: 'model', parts },
        ...(last ? { finishReason: 'STOP' } : {}),
        index: 0,
      },
    ],
    // every chunk carries usageMetadata; only the last one's is the call's
    usageMetadata: last
      ? geminiUsage(answer)
      : { promptTokenCount: answer.usage.input, totalTokenCount: answer.usage.input },
    modelVersion: answer.model,
    responseId,
  };
}

/** A `generateContent` answer. */
export function generateContentResponse(answer: Answer): unknown {
  const parts = [...(answer.text !== '' ? [{ text: answer.text }] : []), ...functionCallParts(answer)];
  return chunk(answer, parts, true, randomId('resp-'));
}

/** A `streamGenerateContent?alt=sse` answer: one chunk per text piece, one per function call (whole). */
export function streamGenerateContentFrames(answer: Answer): Frames {
  const id = randomId('resp-');
  const parts: unknown[][] = [
    ...answer.textPieces.map((text) => [{ text }]),
    ...functionCallParts(answer).map((part) => [part]),
  ];
  if (parts.length === 0) parts.push([{ text: '' }]);
  return parts.map((part, i) => [sseEvent(chunk(answer, part, i === parts.length - 1, id))]);
}

/** The model a Gemini path names: `/v1beta/models/{model}:generateContent`. */
export function geminiModelOf(path: string): string | undefined {
  const match = /\/models\/([^/:]+):/.exec(path);
  return match ? decodeURIComponent(match[1]!) : undefined;
}
