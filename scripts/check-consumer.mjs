// Checks dyno-ts as a user gets it from npm: `npm pack` (its prepack builds dist), the
// tarball's contents, then a scratch project in a temp dir that installs the tarball (with the
// SDK peer from the npm cache: offline-friendly), type-checks consumers with `strict` and
// `exactOptionalPropertyTypes` and without `skipLibCheck` under node16, bundler and node10
// module resolution, and runs an ESM and a CommonJS consumer against dynalite.
// Usage: node scripts/check-consumer.mjs   (KEEP_CONSUMER=1 keeps the temp dir)
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { URL } from "node:url";
import assert from "node:assert/strict";

const root = new URL("..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const installed = (name) =>
  JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

const started = Date.now();
const done = (what) =>
  console.log(`consumer check: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

const work = mkdtempSync(join(tmpdir(), "dyno-ts-consumer-"));
try {
  // 1. pack: what npm publishes, built by prepack
  const packOut = run("npm", ["pack", "--json", "--pack-destination", work], root);
  // prepack's build log comes first on stdout; the JSON report is the last thing printed
  const [packed] = JSON.parse(packOut.slice(packOut.search(/^\[\s*\{/m)));
  const files = new Set(packed.files.map((f) => f.path));
  const subpaths = Object.keys(pkg.exports)
    .filter((p) => p !== "./package.json")
    .map((p) => p.replace(/^\.\/?/, ""));
  for (const subpath of subpaths) {
    const dir = subpath ? `dist/${subpath}/` : "dist/";
    for (const f of ["index.js", "index.cjs", "index.d.ts", "index.d.cts"]) {
      assert.ok(files.has(dir + f), `the tarball ships ${dir}${f}`);
    }
    if (subpath) {
      assert.deepEqual(
        pkg.typesVersions?.["*"]?.[subpath],
        [`./dist/${subpath}/index.d.ts`],
        `typesVersions maps dyno-ts/${subpath} (for moduleResolution node10)`,
      );
    }
  }
  for (const f of ["dist/local/DynoLocalLauncher.java", "LICENSE", "README.md", "package.json"]) {
    assert.ok(files.has(f), `the tarball ships ${f}`);
  }
  assert.ok(![...files].some((f) => /^(src|test|scripts)\//.test(f)), "no sources or tests");
  done(`packed ${packed.filename}: ${files.size} files, dist and LICENSE included`);

  // 2. a scratch project with the tarball installed, as a user would
  writeFileSync(
    join(work, "package.json"),
    JSON.stringify({ name: "dyno-ts-consumer", private: true, type: "module" }),
  );
  run(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      join(work, packed.filename),
      `@aws-sdk/client-dynamodb@${installed("@aws-sdk/client-dynamodb")}`,
      `dynalite@${installed("dynalite")}`,
      `@types/node@${installed("@types/node")}`,
    ],
    work,
  );
  done("installed the tarball into a scratch project");

  // 3. type-check: every entry point, strict + exactOptionalPropertyTypes, no skipLibCheck
  const imports = subpaths.map(
    (s, i) => `import * as entry${i} from "dyno-ts${s ? `/${s}` : ""}";`,
  );
  const uses = subpaths.map((_, i) => `entry${i}`).join(", ");
  const typed = `${imports.join("\n")}
import { Dyno, cond, type Operation } from "dyno-ts";
import { startLocal, type LocalDynamo } from "dyno-ts/local";
import type { GetItemCommandOutput } from "@aws-sdk/client-dynamodb";

export const all = [${uses}];
export async function use(local: LocalDynamo): Promise<GetItemCommandOutput> {
  const dyno: Dyno = local.dyno;
  const op: Operation<"GetItem"> = dyno.getItem({ TableName: "consumer_t", Key: { pk: { S: "a" } } });
  void cond;
  return op;
}
export const started: Promise<LocalDynamo> = startLocal({ engine: "dynalite" });
`;
  writeFileSync(join(work, "consumer.ts"), typed);
  writeFileSync(join(work, "consumer.cts"), typed.replace(/^export const started.*$/m, ""));
  const strict = {
    strict: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    noEmit: true,
    target: "ES2022",
    lib: ["ES2022", "ESNext.Disposable"],
    types: ["node"],
  };
  const configs = {
    node16: {
      module: "node16",
      moduleResolution: "node16",
      files: ["consumer.ts", "consumer.cts"],
    },
    bundler: { module: "esnext", moduleResolution: "bundler", files: ["consumer.ts"] },
    node10: { module: "commonjs", moduleResolution: "node10", files: ["consumer.cts"] },
  };
  for (const [name, { files: sources, ...options }] of Object.entries(configs)) {
    const config = join(work, `tsconfig.${name}.json`);
    writeFileSync(
      config,
      JSON.stringify({ compilerOptions: { ...strict, ...options }, files: sources }),
    );
    try {
      run(process.execPath, [tsc, "-p", config], work);
    } catch (error) {
      throw new Error(`consumer type check (${name}) failed:\n${error.stdout}`, { cause: error });
    }
    done(
      `types: ${name} resolution, strict + exactOptionalPropertyTypes, no skipLibCheck: 0 errors`,
    );
  }

  // 4. run: ESM import and CommonJS require of the installed package
  const program = (load) => `${load}
const local = await startLocal({ engine: "dynalite" });
try {
  await local.dyno.createTable({
    TableName: "consumer_t",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  await waitUntilTableExists({ client: local.client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 }, { TableName: "consumer_t" });
  await local.dyno.putItem({ TableName: "consumer_t", Item: marshalItem({ pk: "a", n: 1 }) });
  const got = await local.dyno.getItem({ TableName: "consumer_t", Key: { pk: { S: "a" } } });
  if (!(local.dyno instanceof Dyno) || got.Item?.n?.N !== "1") throw new Error("wrong answer");
} finally {
  await local.stop();
}
console.log("ran", typeof require === "function" ? "CommonJS" : "ESM", "with nothing on stderr");
`;
  writeFileSync(
    join(work, "run.mjs"),
    program(`import { Dyno, marshalItem } from "dyno-ts";
import { startLocal } from "dyno-ts/local";
import { waitUntilTableExists } from "@aws-sdk/client-dynamodb";`),
  );
  writeFileSync(
    join(work, "run.cjs"),
    `(async () => {
${program(`const { Dyno, marshalItem } = require("dyno-ts");
const { startLocal } = require("dyno-ts/local");
const { waitUntilTableExists } = require("@aws-sdk/client-dynamodb");`)}
})().catch((error) => { console.error(error); process.exit(1); });`,
  );
  // The SDK's own Node-version warning is silenced as the README says; dyno-ts prints nothing.
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
  for (const file of ["run.mjs", "run.cjs"]) {
    const ran = spawnSync(process.execPath, [file], { cwd: work, env, encoding: "utf8" });
    assert.equal(ran.status, 0, `${file} failed:\n${ran.stdout}${ran.stderr}`);
    assert.equal(ran.stderr, "", `${file} printed to stderr`);
    done(ran.stdout.trim());
  }
} finally {
  if (process.env.KEEP_CONSUMER) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
done("all fine");
