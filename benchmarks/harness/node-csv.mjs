// The benchmark job in Node.js: csv-parse, the same JavaScript transform as FlowEngine's
// benchmarks/bench.yaml, csv-stringify, streaming. Usage: node node-csv.mjs INPUT.csv OUTPUT.csv
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';

const [input, output] = process.argv.slice(2);

function transform(row) {
  row.total = String(Number(row.amount) * Number(row.quantity));
  row.name = row.name.toUpperCase();
  return row;
}

await pipeline(
  fs.createReadStream(input),
  parse({ columns: true }),
  new Transform({
    objectMode: true,
    transform(row, _enc, done) {
      const out = transform(row);
      if (out.status !== 'cancelled') this.push(out);
      done();
    },
  }),
  stringify({ header: true }),
  fs.createWriteStream(output),
);
