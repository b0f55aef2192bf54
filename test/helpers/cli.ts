import { spawn } from 'node:child_process';
import path from 'node:path';

/** What one run of the compiled `examflow` CLI printed, and how it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const cli = path.join(__dirname, '../../cli/examflow.js');

/** Runs the compiled CLI as a child process against `baseUrl`, signed in as school A unless `env` says otherwise. */
export function runCli(baseUrl: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, EXAMFLOW_URL: baseUrl, EXAMFLOW_TOKEN: 'token-school-a', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
