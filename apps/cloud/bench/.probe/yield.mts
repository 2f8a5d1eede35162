import { PGlite } from '@electric-sql/pglite';
const pg = await PGlite.create();
await pg.query('create table t (x int)');
let imm = 0; const iv = setInterval(() => imm++, 1);
const t = performance.now();
for (let i = 0; i < 500; i++) await pg.query('insert into t values ($1)', [i]);
console.log('500 awaited inserts', (performance.now() - t).toFixed(0), 'ms; interval ticks during them', imm);
clearInterval(iv); await pg.close();
