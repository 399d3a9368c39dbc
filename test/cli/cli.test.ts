/**
 * The `dyno-ts` command line run as a user runs it: a child process per command, its stdout,
 * stderr and exit status. It runs the built binary, found through the package's `bin` as npm
 * links it, building `dist/` first (`npm run build`) when it is missing or older than `src/`;
 * `DYNO_CLI=ts` runs the TypeScript entry through tsx instead (no build).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestTable, testDyno, testEndpoint, uniqueTableName } from "../support/db.js";
import { root, spawnChild } from "../support/proc.js";
import { faultProxy } from "../support/http.js";

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  bin: Record<string, string>;
};
const dist = join(root, pkg.bin["dyno-ts"]!);
const useDist = process.env.DYNO_CLI !== "ts";
if (useDist && !(existsSync(dist) && statSync(dist).mtimeMs >= newest(join(root, "src")))) {
  execFileSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}
const entry = useDist ? dist : join(root, "src/cli/index.ts");

/** The newest modification time of the files under `dir`. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}
const dyno = await testDyno();
const endpoint = await testEndpoint();
const leaseTable = uniqueTableName("clijobs");
const dir = await mkdtemp(join(tmpdir(), "dyno-cli-"));
test.after(() => rm(dir, { recursive: true, force: true }));

/** Runs `dyno-ts ...args` to its end. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cliWith(undefined, ...args);
}

/** Runs `dyno-ts ...args` to its end, `stdin` written to its standard input. */
async function cliWith(
  stdin: string | undefined,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnChild(
    entry,
    args,
    { AWS_ACCESS_KEY_ID: undefined, AWS_PROFILE: undefined },
    { tsx: !useDist, stdin: stdin === undefined ? "ignore" : "pipe" },
  );
  if (stdin !== undefined) child.child.stdin!.end(stdin);
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}
const local = ["--endpoint", endpoint];

/** `dyno-ts import TABLE --in -` with `lines` on its standard input. */
const importPiped = (table: string, ...lines: string[]) =>
  cliWith(lines.map((line) => `${line}\n`).join(""), "import", table, "--in", "-", ...local);

/** A table keyed by `id` (S). */
const newTable = () => createTestTable(dyno.client, { partitionKey: ["id", "S"], sortKey: null });

/** 1,000 items in the dynamodb format, with every kind of value and awkward names and strings. */
function sampleLines(count = 1000): string[] {
  return Array.from({ length: count }, (_, i) => {
    const item: Record<string, unknown> = {
      id: { S: `item-${i}` },
      // DynamoDB answers numbers in its canonical form ("-1.5e-3" comes back "-0.0015").
      n: { N: i % 3 === 0 ? `-${i}.25` : String(i) },
      big: { N: "12345678901234567890123456789012345678" },
      text: { S: `line\nbreak "quoted" \u0000 nul ✓ ${i}` },
      b: { B: Buffer.from([i % 256, 0, 255, 10]).toString("base64") },
      ss: { SS: ["a", `b${i}`] },
      ns: { NS: ["1", "2.5", String(i + 3)] },
      bs: { BS: [Buffer.from("x").toString("base64")] },
      m: { M: { nested: { L: [{ NULL: true }, { BOOL: i % 2 === 0 }, { S: "" }] } } },
    };
    if (i % 7 === 0) item["constructor"] = { N: "7" };
    return JSON.stringify({ Item: item });
  });
}

/** Asserts two sets of lines are equal, showing the first difference only. */
function assertSameItems(actual: string[], expected: string[]): void {
  const [a, e] = [canonical(actual), canonical(expected)];
  const at = a.findIndex((line, i) => line !== e[i]);
  assert.ok(
    a.length === e.length && at === -1,
    `${a.length} items, expected ${e.length}; first difference:\n  got      ${a[at]}\n  expected ${e[at]}`,
  );
}

/** Lines as a sorted list of canonical JSON (attribute order and set order do not matter). */
function canonical(lines: string[]): string[] {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        let value = sortKeys((v as Record<string, unknown>)[k]);
        if (["SS", "NS", "BS"].includes(k)) value = [...(value as string[])].sort();
        Object.defineProperty(out, k, { value, enumerable: true });
      }
      return out;
    }
    return v;
  };
  return lines
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.stringify(sortKeys(JSON.parse(l))))
    .sort();
}

test(`help, usage errors and failures: exit statuses 0, 2 and 1 (${useDist ? "built dist/cli" : "src/cli via tsx"})`, async () => {
  const help = await cli("--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: dyno-ts .*<command>/);
  assert.equal(help.stderr, "");

  for (const args of [
    [],
    ["frobnicate"],
    ["scan"],
    ["scan", "a", "b"],
    ["scan", "t", "--segments", "x"],
    ["scan", "t", "--bogus"],
    ["job", "stop", "x"],
    ["scan", "t", "--format", "xml"],
    ["--bogus", "scan", "t"],
    ["--segments", "2", "scan", "t"],
    ["--region"],
  ]) {
    const r = await cli(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^dyno-ts: .+\n\nUsage: dyno-ts/, args.join(" "));
    assert.equal(r.stdout, "");
  }
  const missing = await cli("scan", "no_such_table_here", ...local);
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, "");
  assert.match(
    missing.stderr,
    /^dyno-ts: scan no_such_table_here: ResourceNotFoundException: .+\n$/,
  );
  assert.equal(missing.stderr.split("\n").length, 2, "one line");
  const status = await cli("job", "status", "nope", "--lease-table", leaseTable, ...local);
  assert.equal(status.code, 1);
  assert.match(status.stderr, /^dyno-ts: job status nope: no job "nope" in lease table/);
});

test("import → scan → export of 1,000 items: equal to the input; query; job status", async () => {
  const table = await newTable();
  const lines = sampleLines();
  const input = join(dir, "in.jsonl");
  await writeFile(input, `${lines.join("\n")}\n`);
  const imported = await cli("import", table, "--in", input, ...local);
  assert.deepEqual([imported.code, imported.stdout, imported.stderr], [0, "", ""]);

  const scanned = await cli("scan", table, "--segments", "3", "--format", "dynamodb", ...local);
  assert.equal(scanned.code, 0, scanned.stderr);
  assert.equal(scanned.stderr, "", "nothing on a stderr that is not a terminal");
  assertSameItems(scanned.stdout.split("\n"), lines);

  const limited = await cli("scan", table, "--limit", "7", ...local);
  assert.equal(limited.stdout.trim().split("\n").length, 7);
  const plain = JSON.parse(limited.stdout.split("\n")[0]!) as Record<string, unknown>;
  assert.ok(
    Array.isArray(plain.ss) && typeof plain.b === "string" && typeof plain.big === "string",
  );

  const queried = await cli("query", table, "--key", "id=item-42", ...local);
  assert.equal(queried.code, 0, queried.stderr);
  assert.equal((JSON.parse(queried.stdout) as { id: string }).id, "item-42");
  const badKey = await cli("query", table, "--key", "nope=1", ...local);
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /nope is not a key of table/);

  const out = await exportTable(table, "roundtrip");
  assertSameItems((await readFile(out, "utf8")).split("\n"), lines);
  assert.equal(existsSync(`${out}.parts`), false, "the parts are removed");

  const status = await cli("job", "status", "roundtrip", "--lease-table", leaseTable, ...local);
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { state: string; items: number; segments: number };
  assert.deepEqual([s.state, s.items, s.segments], ["done", 1000, 4]);
});

test("common options come before the command too, as the AWS CLI takes them", async () => {
  const table = await newTable();
  await dyno.putItem({ TableName: table, Item: { id: { S: "a" } } });
  for (const args of [
    ["--endpoint", endpoint, "scan", table],
    [`--endpoint=${endpoint}`, "--region", "local", "scan", table, "--limit", "1"],
    ["--region=local", "scan", table, "--endpoint", endpoint],
  ]) {
    const r = await cli(...args);
    assert.deepEqual([r.code, r.stderr, r.stdout], [0, "", '{"id":"a"}\n'], args.join(" "));
  }
  const help = await cli("--endpoint", endpoint, "--help");
  assert.equal(help.code, 0);
});

/** Exports `table` as job `job` to a new file, checking it exits 0 and prints nothing; the file. */
async function exportTable(table: string, job: string): Promise<string> {
  const out = join(dir, `${job}-out.jsonl`);
  const exported = await cli(
    "export",
    table,
    "--out",
    out,
    "--job",
    job,
    "--lease-table",
    leaseTable,
    ...local,
  );
  assert.deepEqual([exported.code, exported.stdout, exported.stderr], [0, "", ""]);
  return out;
}

/** A new table and `count` sample lines with some replaced (`{ index: line }`), written to `file`. */
async function importCase(
  count: number,
  replaced: Record<number, string>,
  file: string,
): Promise<{ table: string; lines: string[]; input: string }> {
  const table = await newTable();
  const lines = sampleLines(count);
  for (const [i, line] of Object.entries(replaced)) lines[Number(i)] = line;
  const input = join(dir, file);
  await writeFile(input, lines.join("\n"));
  return { table, lines, input };
}

test(
  "attributes named __proto__ are imported, scanned and exported intact (the direct transport keeps them)",
  {
    skip:
      process.env.DYNO_TEST_ENGINE === "dynalite" &&
      "dynalite's request validation drops a __proto__ member of an item",
  },
  async () => {
    const { table, lines, input } = await importCase(
      12,
      {
        2: '{"Item":{"id":{"S":"p"},"m":{"M":{"__proto__":{"S":"nested"}}}}}',
        6: '{"Item":{"id":{"S":"q"},"__proto__":{"S":"top"}}}',
        9: '{"Item":{"id":{"S":"r"},"l":{"L":[{"M":{"k":{"M":{"__proto__":{"N":"1"}}}}}]}}}',
      },
      "proto.jsonl",
    );
    const r = await cli("import", table, "--in", input, ...local);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, "", ""]);
    const scanned = await cli("scan", table, "--format", "dynamodb", ...local);
    assert.equal(scanned.code, 0, scanned.stderr);
    assertSameItems(scanned.stdout.split("\n"), lines);
    const out = await exportTable(table, "proto");
    assertSameItems((await readFile(out, "utf8")).split("\n"), lines);
  },
);

test("an import line DynamoDB refuses is named; every other line is written, and the count said", async () => {
  const { table, input } = await importCase(
    60,
    // The key of the wrong type; an empty key.
    { 11: '{"Item":{"id":{"N":"12"}}}', 40: '{"Item":{"id":{"S":""}}}' },
    "refused.jsonl",
  );
  const r = await cli("import", table, "--in", input, ...local);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.split("\n").length, 2, "one line");
  assert.match(
    r.stderr,
    /: 58 items written \(every line up to 60 but those named\); 2 lines refused: .*refused\.jsonl:12: ValidationException: .*; .*refused\.jsonl:41: ValidationException: /,
  );
  assert.equal((await dyno.scan({ TableName: table, Select: "COUNT" })).Count, 58);
});

test("an import with a bad line fails naming the line, and writes nothing", async () => {
  const { table, input } = await importCase(
    50,
    { 36: '{"Item":{"id":{"S":"x"},"n":{"Q":"1"}}}' },
    "bad.jsonl",
  );
  const r = await cli("import", table, "--in", input, ...local);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(`^dyno-ts: import ${table}: .*bad\\.jsonl:37: Item\\.n: expected an AttributeValue`),
  );
  assert.equal((await dyno.scan({ TableName: table, Select: "COUNT" })).Count, 0);
});

test("an export killed (SIGKILL) and run again ends with every item exactly once in the file", async () => {
  const table = await newTable();
  const lines = sampleLines(1000);
  const input = join(dir, "kill-in.jsonl");
  await writeFile(input, lines.join("\n"));
  assert.equal((await cli("import", table, "--in", input, ...local)).code, 0);
  const out = join(dir, "kill-out.jsonl");
  const args = [
    "export",
    table,
    "--out",
    out,
    "--segments",
    "4",
    "--page-size",
    "10",
    "--lease-table",
    leaseTable,
    ...local,
  ];
  const first = spawnChild(entry, args, {}, { tsx: !useDist });
  // Kill it once some pages are in its part files.
  const parts = `${out}.parts`;
  for (;;) {
    const files = existsSync(parts)
      ? (await readdir(parts)).filter((f) => f.endsWith(".jsonl"))
      : [];
    let count = 0;
    for (const f of files) count += (await readFile(join(parts, f), "utf8")).split("\n").length - 1;
    if (count >= 150) break;
    if (first.child.exitCode !== null)
      assert.fail(`the export ended before it could be killed: ${first.stderr()}`);
    await new Promise((r) => setTimeout(r, 15));
  }
  first.child.kill("SIGKILL");
  assert.equal(await first.exited, null);
  assert.equal(existsSync(out), false);
  // What a process killed mid-page leaves: a page file half written aside, and a page handled but
  // not checkpointed (past the segment's checkpoint, so never joined).
  await writeFile(
    join(parts, "segment-0000000-from-000000000000.jsonl.1.x.tmp"),
    `${lines[0]}\n{"Item":{"id":{"S":"half a li`,
  );
  await writeFile(join(parts, "segment-0000000-from-999999999999.jsonl"), `${lines[0]}\n`);

  const again = await cli(...args);
  assert.deepEqual([again.code, again.stderr], [0, ""]);
  const got = (await readFile(out, "utf8")).split("\n").filter((l) => l !== "");
  assert.equal(got.length, 1000, "every item exactly once");
  assertSameItems(got, lines);
});

test("Ctrl-C (SIGINT) stops an export with exit 1 and one line; running it again continues", async () => {
  const table = await newTable();
  const lines = sampleLines(600);
  const input = join(dir, "int-in.jsonl");
  await writeFile(input, lines.join("\n"));
  assert.equal((await cli("import", table, "--in", input, ...local)).code, 0);
  const out = join(dir, "int-out.jsonl");
  const args = [
    "export",
    table,
    "--out",
    out,
    "--page-size",
    "5",
    "--lease-table",
    leaseTable,
    ...local,
  ];
  const first = spawnChild(entry, args, {}, { tsx: !useDist });
  while (!existsSync(`${out}.parts`) || (await readdir(`${out}.parts`)).length < 3) {
    if (first.child.exitCode !== null) assert.fail(`ended early: ${first.stderr()}`);
    await new Promise((r) => setTimeout(r, 15));
  }
  first.child.kill("SIGINT");
  const code = await first.exited;
  assert.equal(code, 1, first.stderr());
  assert.match(
    first.stderr(),
    /^dyno-ts: export .+: interrupted; run the same command again to continue\n$/,
  );
  const again = await cli(...args);
  assert.deepEqual([again.code, again.stderr], [0, ""]);
  assertSameItems((await readFile(out, "utf8")).split("\n"), lines);
});

test("tables: a server that hands back a table name it already gave ends with an error", async () => {
  // Issue 16 attack 5: LastEvaluatedTableName a, b, a, ... was followed forever.
  const proxy = await faultProxy(endpoint, (request) => {
    if (request.operation !== "ListTables") return undefined;
    const from = (request.body as { ExclusiveStartTableName?: string }).ExclusiveStartTableName;
    const next = from === "a" ? "b" : "a";
    return { status: 200, body: { TableNames: [next], LastEvaluatedTableName: next } };
  });
  try {
    const r = await cli("tables", "--endpoint", proxy.endpoint);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, "a\nb\na\n");
    assert.match(r.stderr, /LastEvaluatedTableName "a" twice \(page 3\)/);
  } finally {
    await proxy.stop();
  }
});

test("the progress bar is drawn on a terminal's stderr only, never on stdout or in a pipe", async () => {
  const table = await newTable();
  const input = join(dir, "tty-in.jsonl");
  await writeFile(input, sampleLines(200).join("\n"));
  assert.equal((await cli("import", table, "--in", input, ...local)).code, 0);
  const args = ["export", table, "--segments", "2", "--lease-table", leaseTable, ...local];
  // A pipe: nothing on stderr, the data alone on stdout.
  const piped = await cli(...args, "--out", join(dir, "tty-piped.jsonl"));
  assert.deepEqual([piped.code, piped.stderr, piped.stdout], [0, "", ""]);
  // A terminal (script(1) gives the child one): the bar and the last line on it.
  const out = join(dir, "tty-out.jsonl");
  const command = [
    process.execPath,
    ...(useDist ? [] : ["--import", "tsx"]),
    entry,
    ...args,
    "--out",
    out,
  ]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(" ");
  const tty = execFileSync("script", ["-qefc", command, "/dev/null"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  assert.match(tty, /export \S+ .*items +[\d,]+\/s/, "a progress bar on the terminal");
  assert.match(tty, /exported 200 items to /);
  const got = (await readFile(out, "utf8")).split("\n").filter((l) => l !== "");
  assert.equal(got.length, 200);
});

test("import refuses binary that is not standard padded base64 and lone surrogates, naming file:line and the attribute; writes nothing", async () => {
  const { table, input } = await importCase(
    30,
    {
      3: '{"Item":{"id":{"S":"b1"},"b":{"B":"abc"}}}', // missing padding
      5: '{"Item":{"id":{"S":"b2"},"b":{"B":"a-b_"}}}', // the URL-safe alphabet
      8: '{"Item":{"id":{"S":"b3"},"m":{"M":{"bs":{"BS":["QQ==","QQ= ="]}}}}}', // whitespace
      13: '{"Item":{"id":{"S":"s1"},"t":{"S":"half \\ud800 a pair"}}}',
      21: '{"Item":{"id":{"S":"s2"},"l":{"L":[{"SS":["ok","\\udc00"]}]}}}',
      25: '{"Item":{"id":{"S":"b4"},"b":{"B":"AB=="}}}', // bits beyond the last byte
    },
    "encodings.jsonl",
  );
  const r = await cli("import", table, "--in", input, ...local);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.split("\n").length, 2, "one line");
  const named = (line: number, rest: string) =>
    assert.match(r.stderr, new RegExp(`encodings\\.jsonl:${line}: ${rest}`));
  named(4, 'Item\\.b\\.B: "abc" is not standard padded base64');
  named(6, 'Item\\.b\\.B: "a-b_" is not standard padded base64');
  named(9, 'Item\\.m\\.bs\\.BS\\[1\\]: "QQ= =" is not standard padded base64');
  named(14, "Item\\.t\\.S: holds a lone UTF-16 surrogate");
  named(22, "Item\\.l\\[0\\]\\.SS\\[1\\]: holds a lone UTF-16 surrogate");
  named(26, 'Item\\.b\\.B: "AB==" is not canonical base64: .* "AA==" at the end');
  assert.equal((await dyno.scan({ TableName: table, Select: "COUNT" })).Count, 0);
  // From stdin too, with the line named.
  const piped = await importPiped(
    table,
    '{"Item":{"id":{"S":"ok"}}}',
    '{"Item":{"id":{"S":"bad"},"b":{"B":"abc"}}}',
  );
  assert.equal(piped.code, 1);
  assert.match(piped.stderr, /1 items written .*stdin:2: Item\.b\.B: "abc" is not standard/);
});

test("import skips a UTF-8 byte order mark at the start of the file", async () => {
  const { table, lines, input } = await importCase(5, {}, "bom.jsonl");
  await writeFile(input, `\uFEFF${lines.join("\n")}\n`);
  const r = await cli("import", table, "--in", input, ...local);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, "", ""]);
  assert.equal((await dyno.scan({ TableName: table, Select: "COUNT" })).Count, 5);
  // A mark anywhere else is not skipped: it is not JSON there.
  await writeFile(input, `${lines[0]}\n\uFEFF${lines[1]}\n`);
  const later = await cli("import", table, "--in", input, ...local);
  assert.equal(later.code, 1);
  assert.match(later.stderr, /bom\.jsonl:2: not JSON/);
});

test("an export of many segments prints nothing on stderr (no MaxListenersExceededWarning)", async () => {
  const { table, lines, input } = await importCase(60, {}, "many.jsonl");
  const imported = await cli("import", table, "--in", input, ...local);
  assert.equal(imported.code, 0, imported.stderr);
  const out = join(dir, "many-out.jsonl");
  const exported = await cli(
    "export",
    table,
    "--out",
    out,
    "--segments",
    "24",
    "--lease-table",
    leaseTable,
    ...local,
  );
  assert.deepEqual([exported.code, exported.stdout, exported.stderr], [0, "", ""]);
  assertSameItems((await readFile(out, "utf8")).split("\n"), lines);
});

test("import on the SDK path (a configuration the direct transport cannot honour) refuses attributes named __proto__, naming each file:line, nothing written", async () => {
  const { importTable } = await import("../../src/cli/commands/import.js");
  const { parseCommand } = await import("../../src/cli/args.js");
  const { Dyno } = await import("../../src/index.js");
  const { table, input } = await importCase(
    10,
    {
      2: '{"Item":{"id":{"S":"p"},"m":{"M":{"__proto__":{"S":"nested"}}}}}',
      6: '{"Item":{"id":{"S":"q"},"__proto__":{"S":"top"}}}',
    },
    "proto-sdk.jsonl",
  );
  const sdk = new Dyno({ client: dyno.client, transport: "sdk" });
  assert.equal(sdk.transport, "sdk");
  const io = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    signal: new AbortController().signal,
  };
  await assert.rejects(
    importTable(sdk, parseCommand(["import", table, "--in", input]), io),
    (e) => {
      const message = (e as Error).message;
      assert.match(message, /^nothing written: /);
      assert.match(
        message,
        /proto-sdk\.jsonl:3: Item\.m\.M\.__proto__: an attribute named "__proto__" cannot be written through the AWS SDK/,
      );
      assert.match(message, /proto-sdk\.jsonl:7: Item\.__proto__: an attribute named "__proto__"/);
      return true;
    },
  );
  assert.equal((await dyno.scan({ TableName: table, Select: "COUNT" })).Count, 0);
});

test("import names each line whose item lacks the table's key or is over 400 KB (file:line), and writes nothing", async () => {
  const { table, input } = await importCase(
    40,
    {
      8: '{"Item":{"other":{"S":"no key"}}}',
      20: JSON.stringify({ Item: { id: { S: "big" }, blob: { S: "x".repeat(410_000) } } }),
    },
    "keyless.jsonl",
  );
  const r = await cli("import", table, "--in", input, ...local);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.split("\n").length, 2, "one line");
  assert.match(
    r.stderr,
    /: nothing written: .*keyless\.jsonl:9: Item: lacks the table's key attribute "id"; .*keyless\.jsonl:21: Item: 410009 bytes, over DynamoDB's 400 KB item limit/,
  );
  assert.doesNotMatch(r.stderr, /maybe not written|RequestItems/);
  assert.equal((await dyno.scan({ TableName: table, Select: "COUNT" })).Count, 0);
  // From stdin, the lines before are written and the bad one is named.
  const piped = await importPiped(
    table,
    '{"Item":{"id":{"S":"ok"}}}',
    '{"Item":{"other":{"S":"x"}}}',
  );
  assert.equal(piped.code, 1);
  assert.match(
    piped.stderr,
    /1 items written .*stdin:2: Item: lacks the table's key attribute "id"/,
  );
});

test("import into a table that does not exist fails at once with one line naming it", async () => {
  const input = join(dir, "missing.jsonl");
  await writeFile(input, '{"Item":{"id":{"S":"a"}}}\n');
  const r = await cli("import", "no_such_table_here", "--in", input, ...local);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.split("\n").length, 2, "one line");
  assert.match(r.stderr, /^dyno-ts: import no_such_table_here: ResourceNotFoundException: /);
});

test("import refuses a line that is not valid UTF-8, naming file:line; CRLF line ends and a line split across reads are fine", async () => {
  const table = await newTable();
  const input = join(dir, "latin1.jsonl");
  const good = (i: number) => Buffer.from(`{"Item":{"id":{"S":"u${i}"},"t":{"S":"✓ ${i}"}}}\r\n`);
  // A stray 0xE9 (é in Latin-1) and a truncated 3-byte sequence; a long line crosses read chunks.
  const bad1 = Buffer.concat([
    Buffer.from('{"Item":{"id":{"S":"caf'),
    Buffer.from([0xe9]),
    Buffer.from('"}}}\n'),
  ]);
  const bad2 = Buffer.concat([
    Buffer.from('{"Item":{"id":{"S":"x'),
    Buffer.from([0xe2, 0x9c]),
    Buffer.from('"}}}\n'),
  ]);
  const long = Buffer.from(
    JSON.stringify({ Item: { id: { S: "long" }, t: { S: "é".repeat(100_000) } } }) + "\n",
  );
  await writeFile(input, Buffer.concat([good(1), bad1, good(2), long, bad2, good(3)]));
  const r = await cli("import", table, "--in", input, ...local);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /nothing written: .*latin1\.jsonl:2: is not valid UTF-8.*; .*latin1\.jsonl:5: is not valid UTF-8/,
  );
  assert.doesNotMatch(r.stderr, /latin1\.jsonl:[1346]:/);
  assert.equal((await dyno.scan({ TableName: table, Select: "COUNT" })).Count, 0);
  // Without the bad lines, every line is written as it is in the file.
  await writeFile(input, Buffer.concat([good(1), good(2), long, good(3)]));
  const ok = await cli("import", table, "--in", input, ...local);
  assert.equal(ok.code, 0, ok.stderr);
  const { Item } = await dyno.getItem({ TableName: table, Key: { id: { S: "long" } } });
  assert.equal(Item?.t?.S, "é".repeat(100_000));
  assert.equal((await dyno.scan({ TableName: table, Select: "COUNT" })).Count, 4);
});

test("import: a key on several lines ends as its last line, also when a refused line makes its batch go one by one", async () => {
  const dup = (v: number) => JSON.stringify({ Item: { id: { S: "dup" }, v: { N: String(v) } } });
  const replaced: Record<number, string> = {};
  for (let i = 0; i < 12; i++) replaced[2 + i * 3] = dup(i);
  const { table, input } = await importCase(
    50,
    { ...replaced, 40: '{"Item":{"id":{"S":""}}}' },
    "dups.jsonl",
  );
  const r = await cli("import", table, "--in", input, ...local);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /1 lines refused: .*dups\.jsonl:41: ValidationException/);
  const { Item } = await dyno.getItem({ TableName: table, Key: { id: { S: "dup" } } });
  assert.equal(Item?.v?.N, "11");
  assert.equal((await dyno.scan({ TableName: table, Select: "COUNT" })).Count, 50 - 12 - 1 + 1);
});

test("exports sharing one --out: every process ends 0 and the file holds every item once; one of them killed, the others still write every item once", async () => {
  const table = await newTable();
  const lines = sampleLines(600);
  const input = join(dir, "shared-in.jsonl");
  await writeFile(input, lines.join("\n"));
  assert.equal((await cli("import", table, "--in", input, ...local)).code, 0);
  for (const kill of [false, true]) {
    const out = join(dir, `shared-out-${kill}.jsonl`);
    const args = [
      "export",
      table,
      "--out",
      out,
      "--segments",
      "6",
      "--page-size",
      "10",
      "--lease-table",
      leaseTable,
      ...local,
    ];
    // The first creates the export; the others join it.
    const first = spawnChild(entry, args, {}, { tsx: !useDist });
    while (!existsSync(join(`${out}.parts`, "export.json")))
      await new Promise((r) => setTimeout(r, 10));
    const others = [1, 2].map(() => spawnChild(entry, args, {}, { tsx: !useDist }));
    if (kill) {
      await new Promise((r) => setTimeout(r, 400));
      others[0]!.child.kill("SIGKILL");
    }
    const codes = await Promise.all([first, ...others].map((c) => c.exited));
    const survivors = kill ? [first, others[1]!] : [first, ...others];
    for (const c of survivors) assert.deepEqual([c.child.exitCode, c.stderr()], [0, ""]);
    if (kill) assert.ok(codes[1] === null || codes[1] === 0);
    const got = (await readFile(out, "utf8")).split("\n").filter((l) => l !== "");
    assert.equal(got.length, 600, `every item exactly once (kill: ${kill})`);
    assertSameItems(got, lines);
    assert.equal(existsSync(`${out}.parts`), false);
  }
});

test("export --job of a job already exported fails with one line and leaves the file as it was", async () => {
  const table = await newTable();
  const lines = sampleLines(30);
  const input = join(dir, "again-in.jsonl");
  await writeFile(input, lines.join("\n"));
  assert.equal((await cli("import", table, "--in", input, ...local)).code, 0);
  const out = await exportTable(table, "done-once");
  const before = await readFile(out, "utf8");
  const again = await cli(
    "export",
    table,
    "--out",
    out,
    "--job",
    "done-once",
    "--lease-table",
    leaseTable,
    ...local,
  );
  assert.equal(again.code, 1);
  assert.equal(again.stderr.split("\n").length, 2, "one line");
  assert.match(
    again.stderr,
    /the page file segment-\d+-from-0+\.jsonl is missing; .* is left as it was/,
  );
  assert.equal(await readFile(out, "utf8"), before);
});

test("import refuses a line over 8 MiB at once, without keeping it", async () => {
  const table = await newTable();
  const input = join(dir, "long.jsonl");
  const long = JSON.stringify({
    Item: { id: { S: "long" }, t: { S: "x".repeat(9 * 1024 * 1024) } },
  });
  await writeFile(input, `{"Item":{"id":{"S":"a"}}}\n${long}\n{"Item":{"id":{"S":"b"}}}\n`);
  const started = performance.now();
  const r = await cli("import", table, "--in", input, ...local);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /nothing written: .*long\.jsonl:2: is over 8388608 bytes/);
  assert.ok(performance.now() - started < 30_000, "not quadratic");
});
