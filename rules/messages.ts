// User-facing messages of the rules module, as functions of their arguments (style.md §14).

/** Where a problem is in a ruleset file. */
export interface RulesetLocation {
  file: string;
  line: number | null;
  ruleId: string | null;
  path: string;
}

export const messages = {
  unreadable: (file: string, detail: string) => `${file}: cannot read the ruleset file (${detail})`,
  yamlSyntax: (file: string, line: number | null, detail: string) => `${file}${line === null ? '' : `:${line}`}: YAML syntax error: ${detail}`,
  issue: (loc: RulesetLocation, detail: string) =>
    `${loc.file}${loc.line === null ? '' : `:${loc.line}`}: ${loc.ruleId === null ? 'ruleset' : `rule "${loc.ruleId}"`}: ` +
    `${loc.path === '' ? '' : `${loc.path}: `}${detail}`,
  unknownVariable: (value: unknown, allowed: readonly string[]) => `unknown variable ${JSON.stringify(value)}; allowed: ${allowed.join(', ')}`,
  unreadableFolder: (dir: string, detail: string) => `${dir}: cannot read the ruleset folder (${detail})`,
  emptyFolder: (dir: string) => `${dir}: no ruleset files (.yaml, .yml or .json) in the folder`,
  unknownAction: (value: unknown) => `unknown action ${JSON.stringify(value)}; use hold, stop_cycle, stop_course, discontinue or notify`,
  unknownComparator: (value: unknown) => `unknown comparator ${JSON.stringify(value)}; use lt, le, gt, ge, in_band or present`,
  duplicateRuleset: (id: string, a: string, b: string) => `ruleset id ${id} is used by both ${a} and ${b}`,
  windowMismatch: (ruleset: string, rule: string, variable: string, asked: number, computed: number) =>
    `ruleset ${ruleset}, rule ${rule}: window_hours ${asked} but ${variable} is computed over ${computed} h in slot_features; ` +
    `the rule is evaluated on the ${computed}-h value`,
  featureMissing: (variable: string) => `slot features have no column ${variable}; every rule on it cannot be evaluated`,
} as const;

/** A ruleset file that failed to parse or validate; `issues` are the individual messages. */
export class RulesetError extends Error {
  readonly issues: string[];
  constructor(file: string, issues: string[], options?: { cause?: unknown }) {
    super(`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n  ${issues.join('\n  ')}`, options);
    this.name = 'RulesetError';
    this.issues = issues;
  }
}

export function isRulesetError(e: unknown): e is RulesetError {
  return e instanceof RulesetError;
}
