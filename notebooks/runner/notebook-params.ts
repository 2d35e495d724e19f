// The notebooks' parameter schemas live in schemas/ (the library entry exports them without importing notebooks/).
export * from '../../schemas/notebook-params.js';
