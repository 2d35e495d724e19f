// The one way to quote a string for DuckDB SQL (a leaf module every layer may use).

/**
 * A string as an SQL literal: single quotes doubled.
 * @example sql("O'Brien") // "'O''Brien'"
 */
export function sql(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
