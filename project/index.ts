// The project itself: its root folder and version, for the CLI, the bench and the scripts.
export { kitVersion, projectRoot } from './version.js';
export { startModuleWorker } from './worker.js';
