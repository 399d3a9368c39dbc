// dyno-ts/lean as built (scripts/build-lean.ts): a core file, and the rest of the library loaded
// on first touch of a stand-in. Built once here into a directory of this test's own, then used
// from fresh plain-node processes (ESM and CommonJS), as a user's program uses the package.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { build } from "esbuild";
import { createTestTable, engine, testClient, testEndpoint } from "../support/db.js";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;
// inside the repository, so that the build resolves @aws-sdk/* from node_modules as dist/ does
const dir = join(root, ".tmp", `lean-split-${process.pid}`);
let env: NodeJS.ProcessEnv;

before(async () => {
  await run(process.execPath, ["--import", "tsx", "scripts/build-lean.ts", `--outdir=${dir}`], {
    cwd: root,
    timeout: 300_000,
  });
  const client = await testClient();
  const TableName = await createTestTable(client);
  await client.send(
    new PutItemCommand({ TableName, Item: { pk: { S: "a" }, sk: { S: "b" }, n: { N: "1" } } }),
  );
  env = {
    PATH: process.env.PATH,
    HOME: mkdtempSync(join(tmpdir(), "lean-home-")), // no ~/.aws files
    AWS_ACCESS_KEY_ID: "AKIDLOCAL",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_REGION: "us-east-1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ENDPOINT: await testEndpoint(),
    TABLE: TableName,
    LEAN_DIR: dir,
    ...(engine === "dynalite" && { NO_TRANSACTIONS: "1" }),
  };
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs one scenario of fixtures/split-child.mjs in a fresh process; its report. */
async function child(
  format: "esm" | "cjs",
  scenario: string,
): Promise<{
  before: boolean;
  restAfter: boolean;
  result: Record<string, unknown>;
  kept?: unknown;
}> {
  const log = join(mkdtempSync(join(tmpdir(), "lean-split-")), "loads.log");
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "./test/lean/fixtures/record-loads.mjs",
      "--enable-source-maps",
      "test/lean/fixtures/split-child.mjs",
    ],
    {
      cwd: root,
      env: { ...env, FORMAT: format, SCENARIO: scenario, LOAD_LOG: log },
      timeout: 120_000,
    },
  );
  return JSON.parse(stdout.trim().split("\n").pop()!) as never;
}

for (const format of ["esm", "cjs"] as const) {
  describe(`dyno-ts/lean built, ${format}`, () => {
    test("GetItem with env credentials loads neither @aws-sdk/* nor the rest nor node:https; a control-plane call then loads the SDK, not the rest", async () => {
      const out = await child(format, "get");
      assert.equal(out.before, false);
      assert.deepEqual(out.result, {
        item: { pk: { S: "a" }, sk: { S: "b" }, n: { N: "1" } },
        transport: "direct",
        afterGet: { sdk: [], rest: false, https: [] },
        afterControlPlane: { sdk: true, rest: false },
        status: "ACTIVE",
      });
      assert.equal(out.restAfter, false);
    });

    const firstUse: [string, (result: Record<string, unknown>) => void][] = [
      [
        "newTable",
        (r) =>
          assert.deepEqual(r, {
            validation: "name: a table needs a name",
            instance: "Table",
            got: { pk: "t", sk: "1", n: 7 },
          }),
      ],
      [
        "sessionTable",
        (r) =>
          assert.deepEqual(r, {
            validation: true,
            instance: true,
            got: { pk: "st", sk: "1", n: 8 },
          }),
      ],
      [
        "subclass",
        (r) =>
          assert.deepEqual(r, {
            instance: true,
            proto: true,
            kind: "users",
            got: { pk: "sub", sk: "1" },
            number: "12.50",
          }),
      ],
      ["entity", (r) => assert.deepEqual(r, { instance: true, got: { id: "ada", name: "Ada" } })],
      [
        "pool",
        (r) =>
          assert.deepEqual(r, {
            instance: true,
            item: { pk: { S: "a" }, sk: { S: "b" }, n: { N: "1" } },
          }),
      ],
      [
        "builder",
        (r) => assert.deepEqual(r, { items: [{ pk: { S: "a" }, sk: { S: "b" }, n: { N: "1" } }] }),
      ],
      [
        "functions",
        (r) =>
          assert.deepEqual(r, {
            item: { pk: { S: "a" }, n: { N: "1" } },
            sKeys: true,
            lockLost: false,
          }),
      ],
      ["scanAll", (r) => assert.deepEqual(r, { count: true })],
      ["transact", (r) => assert.deepEqual(r, { got: { pk: "tx", sk: "1" } })],
    ];
    for (const [scenario, check] of firstUse)
      test(`a stand-in works on first use: ${scenario}`, async () => {
        const out = await child(format, scenario);
        assert.equal(out.before, false, "the rest is not loaded before the first touch");
        check(out.result);
        assert.equal(out.restAfter, true, "the first touch loaded the rest");
        if (format === "cjs")
          assert.deepEqual(out.kept, { table: true, pool: true }, "destructured stand-ins work");
      });
  });
}

test("the built core holds no code of the rest's rooms", () => {
  const core = readFileSync(join(dir, "index.js"), "utf8");
  for (const name of ["class Table", "class SharedTable", "class Pool", "class QueryBuilder"])
    assert.ok(!core.includes(name), `${name} is not in the core`);
});

test("a deployment without rest.cjs: the first touch of a stand-in says the file is missing and where, in strict mode", async () => {
  const partial = join(dir, "partial");
  mkdirSync(partial);
  for (const file of ["index.cjs", "rest-loader.cjs"])
    copyFileSync(join(dir, file), join(partial, file));
  const { stdout } = await run(
    process.execPath,
    [
      "-e",
      `const lean = require(${JSON.stringify(join(partial, "index.cjs"))});
      const dyno = lean.leanDyno({ endpoint: "http://127.0.0.1:9" });
      let message;
      try { dyno.scanAll({ TableName: "t" }); } catch (e) { message = e.message; }
      console.log(JSON.stringify({ message }));`,
    ],
    { env, timeout: 60_000 },
  );
  const { message } = JSON.parse(stdout.trim().split("\n").pop()!) as { message: string };
  assert.match(
    message,
    /^dyno-ts\/lean: .*partial\/rest\.cjs is missing; .* must be deployed next to/,
  );
  assert.match(readFileSync(join(dir, "index.cjs"), "utf8"), /^"use strict";/);
});

for (const format of ["cjs", "esm"] as const)
  test(`an esbuild bundle (${format}) of a program: the rest is loaded from the bundle on first touch`, async () => {
    const program = join(dir, "program.mjs");
    writeFileSync(
      program,
      `import { leanDyno, Table, s, marshalItem, DynoValidationError } from "./index.js";
      (async () => {
        const dyno = leanDyno({ endpoint: process.env.ENDPOINT });
        const Key = { pk: { S: "a" }, sk: { S: "b" } };
        const { Item } = await dyno.getItem({ TableName: process.env.TABLE, Key });
        let error;
        try { new Table(dyno, "", {}); } catch (e) { error = e; }
        const schema = s.object({ pk: s.string(), sk: s.string(), n: s.number() });
        const table = dyno.table(process.env.TABLE, { schema, partitionKey: "pk", sortKey: "sk" });
        const got = await table.get({ pk: "a", sk: "b" });
        console.log(JSON.stringify({ Item, validation: error instanceof DynoValidationError,
          table: table instanceof Table, got, marshalled: marshalItem({ n: 1 }) }));
        dyno.client.destroy();
      })();`,
    );
    const outfile = join(dir, `program.bundle.${format === "cjs" ? "cjs" : "mjs"}`);
    await build({
      entryPoints: [program],
      outfile,
      bundle: true,
      platform: "node",
      format,
      target: "node20",
      external: ["@aws-sdk/*"],
      logLevel: "silent",
    });
    const { stdout } = await run(process.execPath, [outfile], { env, timeout: 60_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()!), {
      Item: { pk: { S: "a" }, sk: { S: "b" }, n: { N: "1" } },
      validation: true,
      table: true,
      got: { pk: "a", sk: "b", n: 1 },
      marshalled: { n: { N: "1" } },
    });
  });
