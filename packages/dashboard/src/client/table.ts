import { escapeHtml } from './format.js';

export interface Column<T> {
  label: string;
  value: (row: T) => string | number;
  /** Marks a cell in red when true. */
  bad?: (row: T) => boolean;
}

/** Fills a table; rows with a key become links that call `onClick(key)`. */
export function renderTable<T>(
  table: HTMLElement,
  columns: Column<T>[],
  rows: T[],
  keyOf?: (row: T) => string,
  onClick?: (key: string) => void,
): void {
  const head = `<thead><tr>${columns.map((c) => `<th>${escapeHtml(c.label)}</th>`).join('')}</tr></thead>`;
  const body = rows
    .map((row) => {
      const key = keyOf ? ` class="link" data-key="${escapeHtml(keyOf(row))}"` : '';
      const cells = columns
        .map((c) => `<td${c.bad?.(row) ? ' class="bad"' : ''}>${escapeHtml(c.value(row))}</td>`)
        .join('');
      return `<tr${key}>${cells}</tr>`;
    })
    .join('');
  table.innerHTML = `${head}<tbody>${body}</tbody>`;
  if (onClick) {
    table.onclick = (event) => {
      const key = (event.target as HTMLElement).closest('tr')?.dataset.key;
      if (key !== undefined) onClick(key);
    };
  }
}

/** Fills a pager: "1–50 of 1,234" with previous/next buttons. */
export function renderPager(
  el: HTMLElement,
  total: number,
  offset: number,
  limit: number,
  go: (offset: number) => void,
): void {
  const last = Math.min(total, offset + limit);
  el.innerHTML = `<button data-dir="-1"${offset === 0 ? ' disabled' : ''}>‹ previous</button>
    <span data-testid="pager-text">${total === 0 ? 0 : offset + 1}–${last} of ${total}</span>
    <button data-dir="1"${last >= total ? ' disabled' : ''}>next ›</button>`;
  el.onclick = (event) => {
    const dir = (event.target as HTMLElement).dataset.dir;
    if (dir) go(Math.max(0, offset + Number(dir) * limit));
  };
}
