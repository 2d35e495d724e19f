// The common schema: zod schemas and their inferred types share a name.
export * from './vocabularies.js';
export * from './fields.js';
export * from './centre.js';
export * from './patient.js';
export * from './cycle.js';
export * from './dose-slot.js';
export * from './observation.js';
export * from './infusion.js';
export * from './clinical-event.js';
export * from './response.js';
export * from './ruleset.js';
export * from './run-manifest.js';
export * from './tables.js';
export * from './introspect.js';
export * from './mapping-spec.js';
export * from './coerce.js';
export * from './bundle.js';
