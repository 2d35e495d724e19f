import { simulate } from '/work/main/simulate/index.js';
const t = Date.now();
const s = await simulate({ centres: ['riverside','lakeshore','summit','amstel','harbour'], patients: Number(process.argv[2] ?? 30), seed: '20240601', out: process.argv[3] ?? '/tmp/simA' });
console.log(JSON.stringify(s.centres), Date.now() - t, 'ms');
let tot=0; for (const f of s.files) { tot+=f.bytes; console.log(f.path, f.bytes); } console.log('total', tot);
