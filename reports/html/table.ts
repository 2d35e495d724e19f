// An HTML table from rows of objects, every cell escaped and formatted (formatValue) unless a column says otherwise.
import { escapeHtml } from './escape.js';
import { formatValue } from './format.js';

export interface TableColumn {
  key: string;
  label: string;
  /** Plain text for the cell (escaped afterwards); formatValue when absent. */
  format?: (v: unknown) => string;
  /** The format returns trusted HTML (e.g. a link built with escapeHtml): not escaped again. */
  html?: boolean;
}

/** A column of numbers is right-aligned, as readers compare digits by place. */
function isNumeric(col: TableColumn, rows: readonly object[]): boolean {
  const values = rows.map((r) => (r as Record<string, unknown>)[col.key]).filter((v) => v !== null && v !== undefined);
  return values.length > 0 && values.every((v) => typeof v === 'number' || typeof v === 'bigint');
}

/**
 * Renders rows as an HTML table in a horizontally scrollable wrapper (a wide table never widens the page).
 * @example htmlTable([{ key: 'centre', label: 'Centre' }, { key: 'n', label: 'Patients' }], [{ centre: 'amstel', n: 30 }])
 */
export function htmlTable(columns: readonly TableColumn[], rows: readonly object[], options: { caption?: string } = {}): string {
  const numeric = columns.map((c) => isNumeric(c, rows));
  const head = columns.map((c, i) => `<th scope="col"${numeric[i] ? ' class="num"' : ''}>${escapeHtml(c.label)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cells = columns.map((c, i) => {
        const v = (row as Record<string, unknown>)[c.key];
        const text = c.format ? c.format(v) : formatValue(v);
        const shown = c.html ? text : escapeHtml(text === '' || text === 'null' || text === 'undefined' || text === 'NaN' ? '—' : text);
        return `<td${numeric[i] ? ' class="num"' : ''}>${shown}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  const empty = rows.length ? '' : `<tr><td colspan="${columns.length}" class="empty">No rows.</td></tr>`;
  return `<div class="table-wrap"><table>${caption}<thead><tr>${head}</tr></thead><tbody>${body}${empty}</tbody></table></div>`;
}
