// The bundle writer's parts: cell suppression, the policy, differencing protection and the centre's audit log.
export { appendAudit, auditPath, releasedBundles, type AuditEntry } from './audit.js';
export { differencingProblems, type DifferencingProblem } from './differencing.js';
export { discloseSummary, type DisclosedBundle, type SuppressionRecord } from './disclose.js';
export { recoverableCells, suppressTable, type SuppressedCell, type SuppressionReason, type SuppressionResult } from './suppress.js';
export { protectRows, type WithheldRow } from './cross-rows.js';
