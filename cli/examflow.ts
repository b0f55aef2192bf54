#!/usr/bin/env node
import { ExamflowApiError, ExamflowClient, ExamflowTimeoutError } from '../client/examflow-client';
import { commandHelp, mainHelp, parse, UsageError } from './args';
import { handlers } from './commands';

// The `examflow` command line: parse, run one command, print, exit. Every failure is one
// line on stderr and a non-zero exit status (2 for usage errors).

async function main(argv: string[]): Promise<number> {
  const { name, command, args, values } = parse(argv);
  if (!name || !command) {
    process.stdout.write(`${mainHelp()}\n`);
    return values.help ? 0 : 2;
  }
  if (values.help) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  const client = new ExamflowClient({
    baseUrl: values.url ?? process.env.EXAMFLOW_URL ?? 'http://localhost:3000',
    token: values.token ?? process.env.EXAMFLOW_TOKEN ?? 'dev-token',
  });
  const outcome = await handlers[name]!({ client, args, values });
  if (values.json) process.stdout.write(`${JSON.stringify(outcome.json, null, 2)}\n`);
  // An exam that did not complete is a failure: one line on stderr, like every other.
  else if (outcome.exitCode) process.stderr.write(`examflow: ${outcome.text}\n`);
  else process.stdout.write(`${outcome.text}\n`);
  return outcome.exitCode ?? 0;
}

function describe(err: unknown): string {
  if (err instanceof ExamflowApiError) return err.status ? `${err.message} (${err.status} ${err.code})` : err.message;
  if (err instanceof ExamflowTimeoutError || err instanceof UsageError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT' && e.path) return `no such file: ${e.path}`;
  return e?.message ?? String(err);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`examflow: ${describe(err).replace(/\s*\n\s*/g, ' ')}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
