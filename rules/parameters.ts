// Ruleset parameters: a value a rule needs that its source does not give (e.g. Grade 3 AST as a multiple of the
// laboratory's upper limit of normal, S3a hepatic row) is named in the ruleset's `parameters` and supplied by the
// centre. A supplied value becomes the rule's threshold, and the rule's status becomes the worse of its own and the
// parameter's (a parameter is `unverified` until the centre states its source); an unsupplied one (value null) takes
// the rule out of evaluation and lists it as unencoded, saying which value is missing. Nothing is invented.
import type { Rule, Ruleset, UnencodedCriterion } from '../schemas/ruleset.js';
import type { VerificationStatus } from '../schemas/vocabularies.js';

const RANK: Record<VerificationStatus, number> = { verified: 0, inferred: 1, unverified: 2 };
const worse = (a: VerificationStatus, b: VerificationStatus): VerificationStatus => (RANK[a] >= RANK[b] ? a : b);

/**
 * The ruleset with every threshold_parameter resolved: supplied → the rule's threshold; not supplied → unencoded.
 * Returns the same object when no rule reads a parameter.
 * @example withParameters(parseRuleset(text, file)).rules
 */
export function withParameters(rs: Ruleset): Ruleset {
  if (!rs.rules.some((r) => r.threshold_parameter !== null)) return rs;
  const rules: Rule[] = [];
  const unencoded: UnencodedCriterion[] = [...rs.unencoded];
  for (const r of rs.rules) {
    const name = r.threshold_parameter;
    const p = name === null ? undefined : rs.parameters[name];
    if (name === null || p === undefined) {
      rules.push(r);
      continue;
    }
    if (p.value === null) {
      unencoded.push({
        system: r.system,
        text: `${r.id}: ${r.variable} ${r.comparator} ${name} (${r.action})`,
        source: r.source,
        status: r.status,
        reason: `parameter ${name} is not supplied (${p.description}): the source does not give it; the centre states it in its ruleset`,
      });
      continue;
    }
    const said = `threshold from parameter ${name} = ${p.value} ${p.unit} (${p.status}${p.source === null ? '' : `, ${p.source}`})`;
    rules.push({
      ...r,
      threshold: p.value,
      threshold_parameter: null,
      status: worse(r.status, p.status),
      note: r.note === null ? said : `${r.note} ${said}`,
      flags: r.flags.includes('centre_parameter') ? r.flags : [...r.flags, 'centre_parameter'],
    });
  }
  if (rules.length === 0) throw new Error(`ruleset ${rs.id}: every rule reads a parameter that is not supplied; supply at least one in parameters`);
  return { ...rs, rules, unencoded };
}
