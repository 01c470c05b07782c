const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `12,345` */
export function int(n: number): string {
  return integer.format(n);
}

/** Milliseconds as `850 ms` or `12.3 s`. */
export function ms(n: number): string {
  return n < 1000 ? `${integer.format(n)} ms` : `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)} s`;
}

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

export function time(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19);
}

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
