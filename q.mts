import { DuckDBInstance } from '@duckdb/node-api';
const i = await DuckDBInstance.create('/tmp/il2store/il2kit.duckdb'); const c = await i.connect();
await c.run("SET TimeZone='UTC'");
for (const q of process.argv.slice(2)) { const r = await c.runAndReadAll(q); console.table(r.getRowObjectsJson()); }
