// The validate and store layers' side of the columnar path (map/columnar.ts asks for them through
// ColumnarStaging rather than importing later layers): the observation table's fast check, its store
// columns, and how the row path's records are staged beside the columnar ones.
import { TABLES } from '../../schemas/index.js';
import type { ColumnarStaging } from '../map/columnar.js';
import { fastCheck } from '../validate/fast.js';
import { tableColumns, type ColumnDef } from '../store/layout.js';
import { StagingWriter, readStagingSql } from '../store/staging.js';

/** Columns after the table's in the row path's staging file of a columnar source: the record's row and place in it. */
export const ROW_ORDER: ColumnDef[] = [
  { name: '__r', type: 'BIGINT', field: null as never },
  { name: '__s', type: 'INTEGER', field: null as never },
];

export function columnarStaging(): ColumnarStaging {
  return {
    check: fastCheck(TABLES.observation.schema),
    columns: tableColumns('observation'),
    readRowPath: (path) => readStagingSql('observation', path, ROW_ORDER),
  };
}

/** A staging file for a columnar source's row-path observations, in ROW_ORDER. */
export const rowPathWriter = (path: string): StagingWriter => new StagingWriter('observation', path, ROW_ORDER);
