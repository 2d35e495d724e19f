// il2kit analytics: statistics (checked against R), doses reached, response signals.
export * from './stats/index.js';
export * from './doses/index.js';
export * from './response/index.js';
export * from './consensus/index.js';
export * from './outcomes/index.js';
export { readStore } from './read-store.js';
