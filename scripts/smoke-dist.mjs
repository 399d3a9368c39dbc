// Checks the built package from both module systems: every entry point loads and works.
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { URL } from "node:url";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const require = createRequire(import.meta.url);
const esm = await import("../dist/index.js");
const cjs = require("../dist/index.cjs");
const localEsm = await import("../dist/local/index.js");
const localCjs = require("../dist/local/index.cjs");
const testingEsm = await import("../dist/testing/index.js");
const testingCjs = require("../dist/testing/index.cjs");

for (const [kind, lib] of [
  ["esm", esm],
  ["cjs", cjs],
]) {
  for (const name of [
    "Dyno",
    "Operation",
    "DynoError",
    "cacheMiddleware",
    "marshalItem",
    "cond",
    "ScanBuilder",
  ]) {
    assert.ok(lib[name], `${kind} build exports ${name}`);
  }
}
// Every exported class keeps its name in every build (a class that names itself inside its body
// is renamed by esbuild, `_Dyno`), and a NumberValue of one copy of dyno-ts is a number to another.
const leanEsm = await import("../dist/lean/index.js");
const leanCjs = require("../dist/lean/index.cjs");
const copies = [
  ["esm", esm],
  ["cjs", cjs],
  ["lean esm", leanEsm],
  ["lean cjs", leanCjs],
];
for (const [kind, lib] of copies) {
  for (const [name, value] of Object.entries(lib)) {
    if (typeof value === "function" && /^[A-Z]/.test(name)) {
      assert.equal(value.name, name, `${kind} build: the class exported as ${name} is named so`);
    }
  }
  for (const [from, other] of copies) {
    assert.deepEqual(
      lib.marshalItem({ n: new other.NumberValue("12.5") }),
      { n: { N: "12.5" } },
      `${kind} marshalItem takes a NumberValue of the ${from} build as a number`,
    );
  }
}
// A session handed another copy's Operation says so.
{
  const session = new esm.Dyno({
    clientConfig: { region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } },
  });
  const foreign = leanCjs.Operation.create("GetItem", { TableName: "t", Key: {} });
  assert.throws(() => session.do(foreign), /an Operation of another copy of dyno-ts/);
  session.client.destroy();
}
// Both object codecs ship: the interpreted one (codegen: false) and the generated one.
for (const [kind, lib] of [
  ["esm", esm],
  ["cjs", cjs],
]) {
  const schema = lib.s.object({ id: lib.s.string(), n: lib.s.number() });
  for (const codegen of [false, true]) {
    const item = lib.marshalItem({ id: "a", n: 1 }, schema, { codegen });
    assert.deepEqual(item, { id: { S: "a" }, n: { N: "1" } }, `${kind} marshal codegen=${codegen}`);
    assert.deepEqual(
      lib.unmarshalItem(item, schema, { codegen }),
      { id: "a", n: 1 },
      `${kind} unmarshal codegen=${codegen}`,
    );
  }
}
for (const [kind, local, lib, testing] of [
  ["esm", localEsm, esm, testingEsm],
  ["cjs", localCjs, cjs, testingCjs],
]) {
  const db = await local.startLocal({ engine: "dynalite" });
  assert.ok(
    Array.isArray((await db.dyno.listTables({})).TableNames),
    `${kind} dyno-ts/local works`,
  );
  // one copy of each class across entry points
  assert.ok(db.dyno instanceof lib.Dyno, `${kind}: local.dyno is a Dyno of the main entry`);
  const op = lib.Operation.create("ListTables", {});
  assert.ok(
    Array.isArray((await db.dyno.do(op)).TableNames),
    `${kind}: local.dyno runs main's Operation`,
  );
  // dyno-ts/testing shares the main entry's wire-hook registry, and exhaustive methods run
  const faults = testing.injectFaults(db.dyno.client, {
    throttleRate: 1,
    operations: ["ListTables"],
  });
  assert.ok(
    lib.wireHooksOf(db.dyno.client),
    `${kind}: faults registered where the main entry looks`,
  );
  await assert.rejects(
    db.dyno.listTables({}).await(),
    (e) => e.name === "ProvisionedThroughputExceededException",
  );
  faults.remove();
  assert.equal(lib.wireHooksOf(db.dyno.client), undefined);
  const missing = await db.dyno.scanAll({ TableName: "missing" }, { maxItems: 5 }).then(
    () => undefined,
    (e) => e,
  );
  assert.equal(missing?.name, "ResourceNotFoundException", `${kind}: scanAll runs`);
  await db.stop();
}
// dyno-ts/lean from dist, in fresh processes (ESM and CommonJS): GetItem with env credentials loads
// no module of @aws-sdk; a control-plane call then loads the SDK and works.
{
  const db = await localEsm.startLocal({ engine: "dynalite" });
  try {
    await db.dyno.createTable({
      TableName: "lean",
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    });
    await db.dyno.putItem({ TableName: "lean", Item: { id: { S: "a" }, n: { N: "1" } } });
    const probe = (load) => `
      const loaded = () => Object.keys(require.cache)
        .filter((p) => /[\\/]@aws-sdk[\\/]/.test(p)).length;
      const rest = () => Object.keys(require.cache).some((p) => /[\\/]rest\\.cjs$/.test(p));
      (async () => {
        const { leanDyno } = ${load};
        const dyno = leanDyno({ endpoint: process.env.ENDPOINT });
        const { Item } = await dyno.getItem({ TableName: "lean", Key: { id: { S: "a" } } });
        const before = loaded();
        const restAfterGet = rest();
        const { TableNames } = await dyno.listTables({});
        console.log(JSON.stringify({ Item, before, restAfterGet, after: loaded(), TableNames }));
        dyno.client.destroy();
      })();`;
    for (const [kind, load] of [
      [
        "esm",
        `await import(${JSON.stringify(new URL("../dist/lean/index.js", import.meta.url).href)})`,
      ],
      [
        "cjs",
        `require(${JSON.stringify(new URL("../dist/lean/index.cjs", import.meta.url).pathname)})`,
      ],
    ]) {
      // Asynchronously: dynalite answers from this process, which spawnSync would block (the
      // child's GetItem then waited for an answer that could not come).
      const child = await promisify(execFile)(process.execPath, ["-e", probe(load)], {
        encoding: "utf8",
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          HOME: "/nonexistent",
          AWS_ACCESS_KEY_ID: "lean",
          AWS_SECRET_ACCESS_KEY: "lean",
          AWS_REGION: "us-east-1",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          ENDPOINT: db.endpoint,
        },
      }).catch((error) => assert.fail(`${kind} dyno-ts/lean: ${error.message} ${error.stderr}`));
      const out = JSON.parse(child.stdout.trim().split("\n").pop());
      assert.deepEqual(out.Item, { id: { S: "a" }, n: { N: "1" } }, `${kind} dyno-ts/lean GetItem`);
      assert.equal(out.before, 0, `${kind} dyno-ts/lean: GetItem loaded no @aws-sdk module`);
      assert.equal(out.restAfterGet, false, `${kind} dyno-ts/lean: GetItem loaded no rest.cjs`);
      assert.ok(
        out.after > 0 && out.TableNames.includes("lean"),
        `${kind} dyno-ts/lean: ListTables`,
      );
    }
  } finally {
    await db.stop();
  }
}
// DynamoDB Local from dist: the shipped launcher (dist/local/DynoLocalLauncher.java) is found
// from both builds. Skipped where there is no Java.
if (spawnSync("java", ["-version"]).status === 0) {
  await Promise.all(
    [
      ["esm", localEsm],
      ["cjs", localCjs],
    ].map(async ([kind, local]) => {
      const db = await local.startLocal({ engine: "dynamodb-local", startTimeoutMs: 120_000 });
      try {
        const tables = (await db.dyno.listTables({})).TableNames;
        assert.ok(Array.isArray(tables), `${kind} dyno-ts/local runs DynamoDB Local`);
      } finally {
        await db.stop();
      }
    }),
  );
}
console.log("dist: ESM and CommonJS entry points load and run");
