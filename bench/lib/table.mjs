// Tables for stdout and for results/latest.md (the same rows, as Markdown).

export function formatTable(title, columns, rows) {
  const cells = rows.map((row) => columns.map((c) => cell(row[c.key], c)));
  const widths = columns.map((c, i) => Math.max(c.label.length, ...cells.map((r) => r[i].length)));
  const line = (values) => values.map((v, i) => (columns[i].align === 'left' ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [`\n${title}`, line(columns.map((c) => c.label)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function markdownTable(title, columns, rows) {
  const head = `| ${columns.map((c) => c.label).join(' | ')} |`;
  const sep = `|${columns.map((c) => (c.align === 'left' ? ' --- ' : ' ---: ')).join('|')}|`;
  const body = rows.map((row) => `| ${columns.map((c) => cell(row[c.key], c)).join(' | ')} |`);
  return [`#### ${title}`, '', head, sep, ...body, ''].join('\n');
}

function cell(value, column) {
  if (value === undefined || value === null || Number.isNaN(value)) return '-';
  if (typeof value === 'number') {
    if (column.format) return column.format(value);
    const digits = column.digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
    return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  return String(value);
}

export const pct = (v) => `${Math.round(v * 100)}%`;
export const mb = (v) => (v / 1024 / 1024).toFixed(1);
export const kb = (v) => (v / 1024).toFixed(1);
