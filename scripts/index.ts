export { writeSchemaArtefacts, renderDataDictionary, jsonSchemaFiles } from './schema-artefacts.js';
