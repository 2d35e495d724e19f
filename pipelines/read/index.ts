export * from './errors.js';
export * from './decode.js';
export * from './csv.js';
export * from './table-file.js';
export * from './source.js';
export * from './complete.js';
export * from './record-stream.js';
