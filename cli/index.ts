export { buildProgram } from './program.js';
export { UserError, isUserError } from './errors.js';
export { projectRoot, kitVersion } from '../project/index.js';
