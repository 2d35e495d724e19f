// How a table cell shows a value: numbers to a precision a reader can use, '—' for anything missing.

/** Shown for null, undefined, NaN and empty strings: never 'null' or 'NaN'. */
export const MISSING = '—';

/** Groups an integer's digits in threes with commas (locale-independent, so output is the same everywhere). */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Formats a number: integers grouped (12,345); others to 3 significant digits below 10 (0.0123, 2.35),
 * one decimal below 100 (45.6), none above (1,234); very small magnitudes in exponent form (4.2e-6).
 * @example formatNumber(0.123456) === '0.123'; formatNumber(1234.5) === '1,235'
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return MISSING;
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const sign = x < 0 ? '−' : '';
  const a = Math.abs(x);
  if (Number.isInteger(a)) return sign + groupDigits(a.toFixed(0));
  if (a < 1e-4) return sign + a.toExponential(1);
  let text: string;
  if (a < 10) text = trimZeros(a.toPrecision(3));
  else if (a < 100) text = trimZeros(a.toFixed(1));
  else text = groupDigits(a.toFixed(0));
  return text === '0' ? '0' : sign + text;
}

/**
 * Formats a share (0–1) as a percentage: the kit's one rule for tables and sentences, always one decimal
 * (0.1 → '10.0%', 0.127 → '12.7%', 0.0049 → '0.5%'), so neighbouring cells read alike; '—' when missing.
 * @example formatPercent(0.09999) === '10.0%'; formatPercent(null) === '—'
 */
export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return MISSING;
  const text = (share * 100).toFixed(1);
  return `${text === '-0.0' ? '0.0' : text}%`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * Formats any cell value as plain text (not yet escaped): '—' for null, undefined, NaN and '';
 * yes/no for booleans; dates as ISO instants in UTC; arrays joined with ', '.
 * @example formatValue(null) === '—'; formatValue([1, 2.5]) === '1, 2.5'
 */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return MISSING;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'bigint') return groupDigits(v.toString());
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? MISSING : v.toISOString().replace('.000Z', 'Z');
  if (Array.isArray(v)) return v.length ? v.map(formatValue).join(', ') : MISSING;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
