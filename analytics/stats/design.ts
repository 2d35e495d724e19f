// Design matrix for the regression functions: validates the outcome and
// covariate columns and refuses rank-deficient designs (R's glm would drop
// an aliased column and report NA; here the caller is told which one).
import { firstDependentColumn } from './linalg.js';
import { checkFiniteArray } from './validate.js';

export interface LogisticData {
  /** Outcome per subject: 1 = event, 0 = no event. */
  y: readonly number[];
  /** Covariate columns by name, one value per subject; terms appear in this order after the intercept. */
  covariates: Readonly<Record<string, readonly number[]>>;
}

export const INTERCEPT = '(Intercept)';

export interface Design {
  names: string[];
  rows: number[][];
  y: number[];
}

export function buildDesign(fn: string, data: LogisticData, intercept: boolean): Design {
  checkFiniteArray(fn, 'y', data.y);
  const n = data.y.length;
  if (n === 0) throw new Error(`${fn}: there are no observations (y is empty)`);
  data.y.forEach((v, i) => {
    if (v !== 0 && v !== 1) throw new Error(`${fn}: y[${i}] is ${v}; the outcome must be coded 0 or 1`);
  });
  const names: string[] = intercept ? [INTERCEPT] : [];
  const columns: number[][] = intercept ? [new Array<number>(n).fill(1)] : [];
  for (const [name, col] of Object.entries(data.covariates)) {
    if (name === INTERCEPT) throw new Error(`${fn}: '${INTERCEPT}' is reserved; use options.intercept instead of a covariate of ones`);
    checkFiniteArray(fn, `covariates.${name}`, col);
    if (col.length !== n) throw new Error(`${fn}: covariates.${name} has ${col.length} values but y has ${n}`);
    names.push(name);
    columns.push([...col]);
  }
  if (columns.length === 0) throw new Error(`${fn}: the model has no terms; add a covariate or keep the intercept`);
  const dep = firstDependentColumn(columns);
  if (dep >= 0) {
    const name = names[dep]!;
    const col = columns[dep]!;
    const constant = col.every((v) => v === col[0]);
    if (constant) {
      throw new Error(
        intercept && dep > 0
          ? `${fn}: covariate '${name}' has no variation (every value is ${col[0]}), so its effect cannot be estimated alongside the intercept; drop it`
          : `${fn}: covariate '${name}' is constant (${col[0]}); drop it or fit with the intercept`,
      );
    }
    throw new Error(
      `${fn}: covariate '${name}' is a linear combination of the terms before it (${names.slice(0, dep).join(', ')}), so the coefficients are not ` +
        `identifiable; drop one of them`,
    );
  }
  const rows = Array.from({ length: n }, (_, i) => columns.map((c) => c[i]!));
  return { names, rows, y: [...data.y] };
}
