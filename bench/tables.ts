import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { tablesBench } from './tables-bench';

// npm run bench:tables [-- --pages 36 --out bench/TABLES.md]: the answer-table part of
// npm run bench:sheets alone (bench/tables-bench.ts), on more pages per style.

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '36' },
    out: { type: 'string', default: 'bench/TABLES.md' },
    seed: { type: 'string', default: '5000' },
  },
});

async function main(): Promise<void> {
  const started = Date.now();
  const { markdown } = await tablesBench({ pages: Number(values.pages), seed: Number(values.seed), heldOutPerClass: 150 });
  const md = `# Answer tables without a layout — benchmark\n\n\`npm run bench:tables\` (${Math.round((Date.now() - started) / 1000)} s on a 2-core machine shared with other work).\n\n${markdown.replace(/^## .*\n\n/, '')}`;
  console.log(md);
  fs.writeFileSync(values.out, md);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
