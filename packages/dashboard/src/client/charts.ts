import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartDataset,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Legend,
  Tooltip,
);

export const COLORS = ['#2563eb', '#16a34a', '#f59e0b', '#9333ea', '#0891b2', '#dc2626', '#64748b'];

const charts = new Map<string, Chart>();

/** Draws a chart on `#id`, or replaces its data in place (no animation: the page redraws on every change). */
export function drawChart(id: string, config: ChartConfiguration): void {
  const existing = charts.get(id);
  if (existing) {
    existing.data = config.data;
    existing.update('none');
    return;
  }
  const canvas = document.getElementById(id) as HTMLCanvasElement;
  config.options = { animation: false, maintainAspectRatio: false, responsive: true, ...config.options };
  charts.set(id, new Chart(canvas, config));
}

export function barDatasets(
  series: Record<string, number[]>,
  stack?: string,
  colors: readonly string[] = COLORS,
): ChartDataset<'bar'>[] {
  return Object.entries(series).map(([label, data], i) => ({
    label,
    data,
    backgroundColor: colors[i % colors.length],
    ...(stack ? { stack } : {}),
  }));
}
