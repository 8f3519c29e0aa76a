/**
 * Turns scenario results into the markdown that is both printed and written to bench/results/.
 * A scenario hands back sections (a table plus notes) and knows nothing about output.
 */
import type { MachineFacts } from './machine.js';
import { bytes } from './format.js';

export interface Table { headers: string[]; rows: string[][] }

/** One line of bench/results/latest.json: a figure, its peer in the same run, and the goal for the ratio. */
export interface MetricRow {
  name: string;
  unit: string;
  value: number;
  peer: string;
  peerValue: number;
  ratio: number;
  /** The target for `ratio`, when the project set one. */
  goal?: number;
  better: 'higher' | 'lower';
}

/** Whether a row meets its goal (rows without one count as met). */
export const meetsGoal = (r: MetricRow): boolean =>
  r.goal === undefined || !Number.isFinite(r.ratio) || (r.better === 'higher' ? r.ratio >= r.goal : r.ratio <= r.goal);

export interface Section {
  title: string;
  /** Rows for bench/results/latest.json. */
  metrics?: MetricRow[];
  /** One or two sentences: what was compared and how. */
  method: string;
  table: Table;
  /** Headline ratios and caveats, one bullet each. */
  notes: string[];
}

export function markdownTable({ headers, rows }: Table): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `| ${headers.map(cell).join(' | ')} |`,
    `| ${headers.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function machineSection(m: MachineFacts, mode: string): string {
  return [
    '| fact | value |',
    '| --- | --- |',
    `| date | ${m.date} |`,
    `| host | ${m.hostname} |`,
    `| node | ${m.node} |`,
    `| os | ${m.os} |`,
    `| cpu | ${m.cpuCount} × ${m.cpuModel} |`,
    `| memory | ${bytes(m.totalMemory)} |`,
    `| commit | ${m.commit} |`,
    `| mode | ${mode} |`,
  ].join('\n');
}

export function renderSection(s: Section): string {
  return [`## ${s.title}`, '', s.method, '', markdownTable(s.table), '', ...s.notes.map((n) => `- ${n}`)].join('\n').trimEnd();
}

export function renderFailure(title: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `## ${title}\n\n**failed**: ${message}`;
}
