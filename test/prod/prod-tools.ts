import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { temporalCliPath } from '../../lib/temporal/temporal-cli';

// The binaries the production images carry, built here from the same sources:
// `go install go.temporal.io/server/cmd/server@v1.29.1` (temporalio/server's temporal-server)
// and `.../cmd/tools/sql@v1.29.1` (temporalio/admin-tools' temporal-sql-tool), with the
// schema files from the same module. scripts/prod-tools.sh builds them when missing.

export const temporalServerVersion = 'v1.29.1';

export interface ProdTools {
  server: string;
  sqlTool: string;
  schemaDir: string;
  temporalCli: string;
}

const goEnv = (name: string) => execFileSync('go', ['env', name], { encoding: 'utf8' }).trim();

export function prodTools(): ProdTools {
  const bin = goEnv('GOBIN') || path.join(goEnv('GOPATH'), 'bin');
  const tools = {
    server: path.join(bin, 'server'),
    sqlTool: path.join(bin, 'sql'),
    schemaDir: path.join(goEnv('GOMODCACHE'), `go.temporal.io/server@${temporalServerVersion}`, 'schema', 'postgresql', 'v12'),
    temporalCli: temporalCliPath(),
  };
  for (const [what, file] of Object.entries(tools)) {
    if (!existsSync(file))
      throw new Error(`${what} not found at ${file}: run \`bash scripts/prod-tools.sh\` (go install, about two minutes once)`);
  }
  return tools;
}
