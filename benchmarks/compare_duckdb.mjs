// crm-metrics benchmarks: the DuckDB side of benchmarks/compare_duckdb_pandas.py.
//   node compare_duckdb.mjs FILE memory|csv END_DATE REPS THREADS
// memory: the tasks on a table loaded first (the load is not timed); csv: the same queries straight
// over read_csv(FILE). Prints one JSON object: times per repetition and the results to cross-check.
import { DuckDBInstance } from '@duckdb/node-api';

const [file, mode, endDate, repsArg, threadsArg] = process.argv.slice(2);
const reps = Number(repsArg || 5);
const instance = await DuckDBInstance.create(':memory:', { threads: String(threadsArg || 2) });
const con = await instance.connect();
const csv = `read_csv('${file}', header = true, delim = ',', columns = {'customer_id': 'BIGINT', 'date': 'DATE', 'amount': 'DOUBLE'})`;
let src = csv;
if (mode === 'memory') {
  await con.run(`CREATE TABLE orders AS SELECT * FROM ${csv}`);
  src = 'orders';
}

const tasks = {
  average_check: `SELECT count(*) AS n, sum(amount) AS s FROM ${src}`,
  repeat_share: `SELECT count(*) AS customers, sum(CASE WHEN n >= 2 THEN 1 ELSE 0 END) AS repeaters
                 FROM (SELECT customer_id, count(*) AS n FROM ${src} GROUP BY customer_id)`,
  // lifetimes semantics: purchase days; frequency = days - 1; recency = last - first; T = end - first;
  // monetary = mean value of the repeat days (0 when none)
  rfm: `CREATE OR REPLACE TEMP TABLE rfm AS
        WITH d AS (SELECT customer_id, date, sum(amount) AS v FROM ${src} GROUP BY customer_id, date),
             c AS (SELECT customer_id, count(*) - 1 AS frequency, min(date) AS first, max(date) AS last,
                          sum(v) AS total, arg_min(v, date) AS first_v FROM d GROUP BY customer_id)
        SELECT customer_id, frequency, last - first AS recency, DATE '${endDate}' - first AS age,
               CASE WHEN frequency > 0 THEN (total - first_v) / frequency ELSE 0 END AS monetary FROM c`,
  cohort: `CREATE OR REPLACE TEMP TABLE cohort AS
           WITH m AS (SELECT DISTINCT customer_id, date_trunc('month', date) AS month FROM ${src}),
                f AS (SELECT customer_id, min(month) AS cohort FROM m GROUP BY customer_id)
           SELECT f.cohort, datediff('month', f.cohort, m.month) AS k, count(*) AS n
           FROM m JOIN f USING (customer_id) GROUP BY f.cohort, k`,
};

const times = {};
const cpu = {};  // CPU seconds of the process (every thread)
for (const [name, sql] of Object.entries(tasks)) {
  times[name] = [];
  cpu[name] = [];
  for (let i = 0; i < reps; ++i) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    if (name === 'average_check' || name === 'repeat_share') await con.runAndReadAll(sql);
    else await con.run(sql);
    times[name].push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu[name].push((c.user + c.system) / 1e6);
  }
}

const one = async (sql) => (await con.runAndReadAll(sql)).getRows()[0];
const [n, s] = await one(tasks.average_check);
const [customers, repeaters] = await one(tasks.repeat_share);
const [rows, sf, sr, sa, sm, h] = await one(`SELECT count(*), sum(frequency), sum(recency), sum(age), sum(monetary),
    sum((customer_id % 1000003)::HUGEINT * (frequency + 7 * recency + 13 * age)) FROM rfm`);
const cells = (await con.runAndReadAll(`SELECT (year(cohort) - 1970) * 12 + month(cohort) - 1, k, n FROM cohort ORDER BY 1, 2`)).getRows();
const big = (x) => BigInt(x);
const results = {
  orders: Number(n), revenue: Number(s), customers: Number(customers), repeat_customers: Number(repeaters),
  rfm_rows: Number(rows), sum_frequency: Number(sf), sum_recency: Number(sr), sum_age: Number(sa),
  rfm_hash: (big(h) % (1n << 64n)).toString(), sum_monetary: Number(sm),
  cohort: cells.map(([c, k, m]) => [Number(c), Number(k), Number(m)]),
};
console.log(JSON.stringify({ side: `duckdb-${mode}`, threads: Number(threadsArg || 2), times, cpu, results }));
