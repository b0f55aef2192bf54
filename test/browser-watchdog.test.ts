import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

// A worker killed outright (SIGKILL: the chaos run, the OOM killer, a crash) must not leave
// its Chromium running: the real browser, launched as the worker launches it.

/** Every live process in the browser's process group (Chromium's helpers included). */
function processGroup(pgid: number): number[] {
  const members: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so split after ")".
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

test('a SIGKILLed worker takes its browser (the whole process group) along within seconds', async () => {
  const child = spawn(process.execPath, [path.join(__dirname, 'helpers/browser-child.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const browserPid = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('exit', () => reject(new Error('the worker stand-in exited before launching the browser')));
  });
  assert.ok(processGroup(browserPid).length > 0, 'the browser runs in its own process group');
  child.kill('SIGKILL');
  let left = processGroup(browserPid);
  for (let waited = 0; left.length > 0 && waited < 5_000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    left = processGroup(browserPid);
  }
  if (left.length > 0) for (const pid of left) process.kill(pid, 'SIGKILL'); // do not leak it from the test either
  assert.deepEqual(left, [], 'no orphaned browser process');
});
