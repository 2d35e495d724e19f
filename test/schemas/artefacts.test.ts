import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { DICTIONARY_PATH, SCHEMA_DIR, jsonSchemaFiles, renderDataDictionary } from '../../scripts/schema-artefacts.js';
import { valid } from '../helpers/records.js';

const root = join(import.meta.dirname, '..', '..');
const stale = 'is out of date: run `npm run schemas` and commit the result';

describe('generated schema artefacts', () => {
  it('committed JSON Schema files match the zod schemas', () => {
    for (const [name, text] of Object.entries(jsonSchemaFiles())) {
      const committed = readFileSync(join(root, SCHEMA_DIR, name), 'utf8');
      expect(committed, `${SCHEMA_DIR}/${name} ${stale}`).toBe(text);
    }
  });
  it('committed data dictionary matches the zod schemas', () => {
    expect(readFileSync(join(root, DICTIONARY_PATH), 'utf8'), `${DICTIONARY_PATH} ${stale}`).toBe(renderDataDictionary());
  });
  it('the JSON Schemas accept the valid examples and reject an identifier column (as R/Python users would validate)', () => {
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    const files = jsonSchemaFiles();
    for (const [table, rec] of Object.entries(valid)) {
      const validate = ajv.compile(JSON.parse(files[`${table}.schema.json`]!) as object);
      expect(validate(rec), `${table}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(validate({ ...rec, mrn: 'MRN0042' }), table).toBe(false);
    }
  });
});
