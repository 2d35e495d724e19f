// `npm run schemas`: regenerate schemas/json/*.schema.json and docs/data-dictionary.md.
import { projectRoot } from '../project/index.js';
import { writeSchemaArtefacts } from './schema-artefacts.js';

for (const f of writeSchemaArtefacts(projectRoot())) process.stdout.write(`wrote ${f}\n`);
