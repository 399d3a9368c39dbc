/**
 * The join of an export shared by several processes, when another export of the same `--out`
 * started after this one's parts were joined away (a process that arrived late finds no parts and
 * starts afresh): its parts are never taken, and this export's finished join is seen as done.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { joinOnce, type ExportState } from "../../src/cli/commands/export.js";
import type { Dyno } from "../../src/index.js";

const state = (job: string): ExportState => ({
  job,
  table: "t",
  segments: 2,
  pageSize: undefined,
  leaseTable: "leases",
  format: "dynamodb",
});

/** A folder with `FILE` already joined by another process of this export, and the parts of a newer one. */
async function joinedThenRestarted() {
  const dir = await mkdtemp(join(tmpdir(), "dyno-join-"));
  const out = join(dir, "out.jsonl");
  const parts = `${out}.parts`;
  await writeFile(out, "joined by another process\n");
  await mkdir(parts);
  await writeFile(join(parts, "export.json"), JSON.stringify(state("newer")));
  await writeFile(join(parts, "segment-0000000-from-000000000000.jsonl"), "{}\n");
  return {
    dir,
    out,
    parts,
    [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
  };
}

// No join of this job happens here: the session is never used.
const noSession = undefined as unknown as Dyno;

test("a newer export's parts under FILE.parts are not taken: this job's join, done by another process, counts", async () => {
  await using at = await joinedThenRestarted();
  await joinOnce(noSession, at.parts, at.out, state("mine"), 10, new AbortController().signal);
  assert.equal(await readFile(at.out, "utf8"), "joined by another process\n");
  assert.equal(JSON.parse(await readFile(join(at.parts, "export.json"), "utf8")).job, "newer");
  assert.ok(existsSync(join(at.parts, "segment-0000000-from-000000000000.jsonl")));
  assert.ok(!existsSync(`${at.parts}.joining.${process.pid}`));
});

test("this job's parts given back by a join that failed: the waiting process says FILE was not written", async () => {
  await using at = await joinedThenRestarted();
  await writeFile(join(at.parts, "export.json"), JSON.stringify(state("mine")));
  // Another process (this one's parent, alive) joins them: this one waits, then finds them back.
  const joining = `${at.parts}.joining.${process.ppid}`;
  await rm(at.parts, { recursive: true });
  await mkdir(joining);
  await writeFile(join(joining, "export.json"), JSON.stringify(state("mine")));
  const waiting = joinOnce(
    noSession,
    at.parts,
    at.out,
    state("mine"),
    10,
    new AbortController().signal,
  );
  setTimeout(() => void import("node:fs/promises").then((fs) => fs.rename(joining, at.parts)), 150);
  await assert.rejects(
    waiting,
    /the parts of job mine were taken by another process and .* was not written/,
  );
});
