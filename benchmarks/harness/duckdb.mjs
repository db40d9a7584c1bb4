// The benchmark job in DuckDB: uppercase the name, total = amount * quantity, drop cancelled rows.
// Usage: node duckdb.mjs INPUT.csv OUTPUT.csv
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output] = process.argv.slice(2);
const quote = (s) => "'" + s.replaceAll("'", "''") + "'";
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(`COPY (
  SELECT id, upper(name) AS name, email, city, amount, quantity, status, created, category, notes,
         amount * quantity AS total
  FROM read_csv(${quote(input)}, header = true)
  WHERE status <> 'cancelled'
) TO ${quote(output)} (HEADER, DELIMITER ',')`);
