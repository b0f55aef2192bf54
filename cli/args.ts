import { parseArgs } from 'node:util';

// The CLI's grammar: one table of options (parseArgs, strict), the commands that accept
// each, and the help texts.

const options = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  template: { type: 'string', short: 't' },
  student: { type: 'string' },
  priority: { type: 'string' },
  'idempotency-key': { type: 'string' },
  wait: { type: 'boolean', short: 'w' },
  timeout: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  output: { type: 'string', short: 'o' },
  html: { type: 'boolean' },
  teacher: { type: 'string' },
  name: { type: 'string' },
  'pages-per-student': { type: 'string' },
} as const;

type OptionName = keyof typeof options;
export type Values = { [K in OptionName]?: (typeof options)[K]['type'] extends 'boolean' ? boolean : string };

export interface Command {
  usage: string;
  summary: string;
  /** positional arguments after the command words: [min, max] */
  args: [number, number];
  options: OptionName[];
  details?: string;
}

const globalOptions: OptionName[] = ['url', 'token', 'json', 'help'];

const commands: Record<string, Command> = {
  'templates add': { usage: 'templates add FILE', summary: 'create an answer key from a JSON file', args: [1, 1], options: [] },
  'templates list': { usage: 'templates list', summary: "list the tenant's answer keys", args: [0, 0], options: [] },
  'templates get': { usage: 'templates get ID', summary: 'print one answer key', args: [1, 1], options: [] },
  sheet: {
    usage: 'sheet ID -o FILE',
    summary: "save a template's printable answer sheet (PDF; with --json its layout)",
    args: [1, 1],
    options: ['output'],
    details: '  -o FILE   where to write the PDF; with --json the layout JSON goes there (or to stdout without -o)',
  },
  submit: {
    usage: 'submit [--template ID] PAGE… [--student JSON] [--priority urgent] [--idempotency-key K] [--wait [--timeout SECONDS]]',
    summary: 'submit an exam (page images or PDFs in page order)',
    args: [1, 200],
    options: ['template', 'student', 'priority', 'idempotency-key', 'wait', 'timeout'],
    details:
      '  --template ID      the answer key; leave it out for examflow answer sheets (their code names it)\n' +
      '  --student JSON     e.g. \'{"name":"李明","class":"八(2)班","id":"2023017"}\'\n' +
      '  --priority P       normal (default) or urgent\n' +
      '  --wait             follow the exam with a progress bar until it closes, then print the score;\n' +
      '                     exits 1 if it failed or was cancelled. --timeout: seconds (default 600)',
  },
  status: { usage: 'status ID', summary: 'status document: step, progress, pages, ETA', args: [1, 1], options: [] },
  wait: { usage: 'wait ID [--timeout SECONDS]', summary: 'follow an exam until it closes', args: [1, 1], options: ['timeout'] },
  list: {
    usage: 'list [--status S] [--limit N]',
    summary: 'recent exams, newest first',
    args: [0, 0],
    options: ['status', 'limit'],
    details: '  --status S   pending, processing, completed, failed or cancelled\n  --limit N    1–1000 (default 20)',
  },
  stats: { usage: 'stats', summary: 'totals by status, success rate, durations', args: [0, 0], options: [] },
  queue: { usage: 'queue', summary: 'backlog, in flight and estimated wait per stage', args: [0, 0], options: [] },
  cancel: { usage: 'cancel ID', summary: 'cancel a running exam', args: [1, 1], options: [] },
  retry: { usage: 'retry ID', summary: 'run a failed or cancelled exam again', args: [1, 1], options: [] },
  result: { usage: 'result ID', summary: 'the graded result', args: [1, 1], options: [] },
  report: { usage: 'report ID -o FILE [--html]', summary: 'save the PDF (or HTML) report', args: [1, 1], options: ['output', 'html'] },
  'review list': {
    usage: 'review list [--limit N]',
    summary: 'exams waiting for a teacher, oldest first',
    args: [0, 0],
    options: ['limit'],
  },
  'review show': {
    usage: 'review show ID [-o DIR]',
    summary: "an exam's waiting answers (images saved to DIR)",
    args: [1, 1],
    options: ['output'],
  },
  'review decide': {
    usage: 'review decide ID DECISION… [--teacher NAME]',
    summary: 'decide waiting answers: the exam goes on once all are decided',
    args: [2, 200],
    options: ['teacher'],
    details:
      '  ITEM=ANSWER        the answer as written, graded as usual (q3=12)\n  ITEM:points=N      award N points directly, 0 to the question’s points (q4:points=7)',
  },
  correct: {
    usage: 'correct ID QUESTION=ANSWER|QUESTION:points=N [--teacher NAME]',
    summary: 'correct one answer of a completed exam (a question of a section as 二/3)',
    args: [2, 2],
    options: ['teacher'],
  },
  'batch submit': {
    usage: 'batch submit FILE… [--name NAME] [--template ID [--pages-per-student N]] [--wait [--timeout SECONDS]]',
    summary: "submit a class's scan (one PDF or page images): one exam per student",
    args: [1, 500],
    options: ['name', 'template', 'pages-per-student', 'wait', 'timeout'],
    details:
      '  --name NAME              e.g. "八(2)班 期中"\n' +
      '  --template ID            only for papers without an examflow sheet code (sheets name their template)\n' +
      '  --pages-per-student N    such papers: pages of one student (default 1)\n' +
      '  --wait                   follow the batch until it closes; exits 1 unless it completed (--timeout: seconds, default 1800)',
  },
  'batch status': { usage: 'batch status ID', summary: "a batch's progress, exams and unplaced pages", args: [1, 1], options: [] },
  'batch wait': {
    usage: 'batch wait ID [--timeout SECONDS]',
    summary: 'follow a batch until it closes',
    args: [1, 1],
    options: ['timeout'],
  },
  'batch list': { usage: 'batch list', summary: 'recent class batches', args: [0, 0], options: [] },
  'batch cancel': { usage: 'batch cancel ID', summary: 'cancel a batch and its exams', args: [1, 1], options: [] },
  'batch report': {
    usage: 'batch report ID -o FILE [--html]',
    summary: 'save the class report (PDF, or HTML)',
    args: [1, 1],
    options: ['output', 'html'],
  },
  'batch scores': {
    usage: 'batch scores ID -o FILE',
    summary: 'save the scores spreadsheet (.xlsx, or .csv by the file name)',
    args: [1, 1],
    options: ['output'],
  },
};

export class UsageError extends Error {}

export interface Parsed {
  name: string | null;
  command: Command | null;
  args: string[];
  values: Values;
}

export function parse(argv: string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const values = parsed.values;
  const words = parsed.positionals;
  if (words.length === 0) return { name: null, command: null, args: [], values };
  const two = `${words[0]} ${words[1] ?? ''}`.trim();
  const name = commands[two] ? two : words[0]!;
  const command = commands[name];
  if (!command) {
    if (name === 'templates') throw new UsageError(`"templates" needs a subcommand: add, list or get`);
    if (name === 'review') throw new UsageError(`"review" needs a subcommand: list, show or decide`);
    if (name === 'batch') throw new UsageError(`"batch" needs a subcommand: submit, status, wait, list, cancel, report or scores`);
    throw new UsageError(`unknown command "${name}": run examflow --help`);
  }
  const args = words.slice(name.split(' ').length);
  if (values.help) return { name, command, args, values };
  for (const key of Object.keys(values) as OptionName[]) {
    if (!globalOptions.includes(key) && !command.options.includes(key))
      throw new UsageError(`"${name}" does not take --${key}: run examflow ${name} --help`);
  }
  const [min, max] = command.args;
  if (args.length < min || args.length > max) throw new UsageError(`usage: examflow ${command.usage}`);
  return { name, command, args, values };
}

export function mainHelp(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.split(' [')[0]!.length));
  const lines = Object.values(commands).map((c) => `  ${c.usage.split(' [')[0]!.padEnd(width)}  ${c.summary}`);
  return [
    'examflow — submit exams to examflow and follow them',
    '',
    'usage: examflow [global options] COMMAND [options]',
    '',
    'commands:',
    ...lines,
    '',
    'global options:',
    '  --url URL      API base URL (env EXAMFLOW_URL, default http://localhost:3000)',
    '  --token TOKEN  bearer token (env EXAMFLOW_TOKEN, default dev-token)',
    '  --json         machine-readable JSON output, no progress bar',
    '  -h, --help     this help; "examflow COMMAND --help" for one command',
    '',
    'exit status: 0 success, 1 failure (API error, exam failed or cancelled), 2 usage error, 3 the exam waits for a teacher (submit --wait, wait)',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  return [
    `usage: examflow ${command.usage}`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    '',
    'global options: --url, --token, --json (see examflow --help)',
  ].join('\n');
}
