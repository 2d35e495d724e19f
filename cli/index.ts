export { buildProgram } from './program.js';
export { UserError, isUserError } from './errors.js';
export { projectRoot, kitVersion } from './version.js';
export { PhaseTimes } from './timings.js';
