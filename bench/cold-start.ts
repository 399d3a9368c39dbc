/**
 * Cold start (issue 19): fresh Node processes, run interleaved (each round runs every variant once,
 * in a shuffled order), the median of each. A variant is a client and what its process does:
 * `full` imports the client, makes one and sends one GetItem to the DynamoDB Local this bench
 * starts once; `import` only imports it. Each also runs as an esbuild-bundled single file (CommonJS,
 * minified, as a Lambda deployment ships it), whose size is reported.
 *
 * Measures: `in` is from the start of the import to the first result, inside the process
 * (`performance.now()`), `proc` is the whole process (spawn to exit, seen by this process); CPU is
 * the child's own `process.cpuUsage()`, from the import (`in`) and in total (`proc`).
 *
 * Run: `npm run build && npx tsx bench/cold-start.ts [rounds=11]` (Java for DynamoDB Local, else dynalite).
 */
import { spawn } from "node:child_process";
import { execSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { startLocal } from "../src/local/index.js";

const root = new URL("..", import.meta.url).pathname;
const rounds = Number(process.argv[2] ?? 11);
if (!(rounds >= 9) && !process.argv.includes("--try"))
  throw new Error(`rounds: at least 9 (a median of fewer is not reported), got ${process.argv[2]}`);
for (const file of ["dist/index.js", "dist/lean/index.js"])
  if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build first`);

type Client = "sdk" | "aws-lite" | "dyno-ts sdk" | "dyno-ts direct" | "dyno-ts/lean";
const dist = (file: string) => JSON.stringify(join(root, "dist", file));

/** Each client's program: `importIt` loads the client, `get` makes one and sends GetItem. */
const programs: Record<Client, { importIt: string; get: string }> = {
  sdk: {
    importIt: `const { DynamoDBClient, GetItemCommand } = await import("@aws-sdk/client-dynamodb");`,
    get: `const client = new DynamoDBClient({ endpoint: process.env.ENDPOINT });
      const out = await client.send(new GetItemCommand({ TableName, Key: { id: { S: "a" } } }));
      item = out.Item?.n?.N;`,
  },
  "aws-lite": {
    importIt: `const awsLite = (await import("@aws-lite/client")).default;
      const plugin = import("@aws-lite/dynamodb");`,
    get: `const aws = await awsLite({ endpoint: process.env.ENDPOINT, plugins: [plugin] });
      const out = await aws.DynamoDB.GetItem({ TableName, Key: { id: "a" } });
      item = String(out.Item?.n);`,
  },
  "dyno-ts sdk": {
    importIt: `const { Dyno } = await import(${dist("index.js")});
      const { DynamoDBClient } = await import("@aws-sdk/client-dynamodb");`,
    get: `const dyno = new Dyno({ client: new DynamoDBClient({ endpoint: process.env.ENDPOINT }), transport: "sdk" });
      const out = await dyno.getItem({ TableName, Key: { id: { S: "a" } } });
      item = out.Item?.n?.N;`,
  },
  "dyno-ts direct": {
    importIt: `const { Dyno } = await import(${dist("index.js")});
      const { DynamoDBClient } = await import("@aws-sdk/client-dynamodb");`,
    get: `const dyno = new Dyno({ client: new DynamoDBClient({ endpoint: process.env.ENDPOINT }), transport: "direct" });
      const out = await dyno.getItem({ TableName, Key: { id: { S: "a" } } });
      item = out.Item?.n?.N;`,
  },
  "dyno-ts/lean": {
    importIt: `const { leanDyno } = await import(${dist("lean/index.js")});`,
    get: `const dyno = leanDyno({ endpoint: process.env.ENDPOINT });
      const out = await dyno.getItem({ TableName, Key: { id: { S: "a" } } });
      item = out.Item?.n?.N;`,
  },
};

/** The child program: the measured part, then a report line and an exit (keep-alive sockets would hold it). */
const programOf = (client: Client) => `(async () => {
  const TableName = process.env.TABLE;
  let item;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  ${programs[client].importIt}
  if (process.env.MODE === "full") {
    ${programs[client].get}
    if (item !== "1") throw new Error("unexpected item: " + item);
  }
  const t1 = performance.now();
  const c1 = process.cpuUsage(c0);
  const all = process.cpuUsage();
  console.log(JSON.stringify({ in: t1 - t0, inCpu: (c1.user + c1.system) / 1000, procCpu: (all.user + all.system) / 1000 }));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
`;

interface Variant {
  readonly name: string;
  readonly client: Client;
  readonly mode: "full" | "import";
  readonly file: string;
  readonly bundled: boolean;
}
interface Sample {
  in: number;
  proc: number;
  inCpu: number;
  procCpu: number;
}

/** One fresh process of `variant`. */
function runOnce(variant: Variant, env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [variant.file], {
      env: { ...env, MODE: variant.mode },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => {
      const proc = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`${variant.name}: exit ${code}\n${err}`));
      const line = JSON.parse(out.trim().split("\n").pop()!) as Omit<Sample, "proc">;
      resolve({ ...line, proc });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const work = join(root, "bench", ".cold-start");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const home = mkdtempSync(join(tmpdir(), "cold-start-home-")); // no ~/.aws files
  const engine = process.env.DYNO_TEST_ENGINE === "dynalite" ? "dynalite" : "auto";
  const db = await startLocal({ engine, startTimeoutMs: 120_000 });
  try {
    const TableName = "cold_start";
    await db.dyno.createTable({
      TableName,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    });
    await db.dyno.putItem({ TableName, Item: { id: { S: "a" }, n: { N: "1" } } });

    const variants: Variant[] = [];
    let externalSize = 0;
    const options = (source: string, outfile: string) => ({
      entryPoints: [source],
      outfile,
      bundle: true,
      platform: "node" as const,
      format: "cjs" as const,
      target: "node20",
      minify: true,
      logLevel: "error" as const,
      // an ESM module's import.meta.url, in the CommonJS bundle
      define: { "import.meta.url": "__import_meta_url" },
      banner: { js: `var __import_meta_url=require("url").pathToFileURL(__filename).href;` },
    });
    const sizes = new Map<Client, number>();
    for (const client of Object.keys(programs) as Client[]) {
      const slug = client.replace(/[^a-z]+/g, "-");
      const source = join(work, `${slug}.mjs`);
      writeFileSync(source, programOf(client));
      const bundle = join(work, `${slug}.bundle.cjs`);
      await build(options(source, bundle));
      sizes.set(client, statSync(bundle).size);
      if (client === "dyno-ts/lean") {
        // as a Lambda deployment that leaves @aws-sdk/* to the runtime (CDK's default): the SDK
        // is then not in the file, and loaded from the runtime only if something needs it
        const external = join(work, `${slug}.bundle-external-sdk.cjs`);
        await build({ ...options(source, external), external: ["@aws-sdk/*"] });
        externalSize = statSync(external).size;
        for (const mode of ["full", "import"] as const)
          variants.push({
            name: `${client} ${mode} (bundle, @aws-sdk external)`,
            client,
            mode,
            file: external,
            bundled: true,
          });
      }
      // `import` alone: the two dyno-ts main-entry clients import the same modules
      const modes =
        client === "dyno-ts direct" ? (["full"] as const) : (["full", "import"] as const);
      for (const mode of modes)
        for (const [file, bundled] of [
          [source, false],
          [bundle, true],
        ] as const) {
          const who = mode === "import" && client === "dyno-ts sdk" ? "dyno-ts" : client;
          variants.push({
            name: `${who} ${mode}${bundled ? " (bundle)" : ""}`,
            client,
            mode,
            file,
            bundled,
          });
        }
    }

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      AWS_ACCESS_KEY_ID: "AKIDCOLDSTART",
      AWS_SECRET_ACCESS_KEY: "cold-start-secret",
      AWS_REGION: "us-east-1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ENDPOINT: db.endpoint,
      TABLE: TableName,
    };
    const load = () => execSync("uptime").toString().trim();
    console.log(`# ${db.engine} at ${db.endpoint}; ${rounds} rounds × ${variants.length} variants`);
    console.log(`# before: ${load()}`);
    // one unmeasured pass warms the file cache
    for (const v of variants) await runOnce(v, env);
    const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
    let seed = 19;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < rounds; round++) {
      const order = [...variants].sort(() => random() - 0.5);
      for (const v of order) samples.get(v.name)!.push(await runOnce(v, env));
    }
    console.log(`# after: ${load()}`);

    const stat = (name: string) => {
      const xs = samples.get(name)!;
      return {
        in: median(xs.map((x) => x.in)),
        proc: median(xs.map((x) => x.proc)),
        inCpu: median(xs.map((x) => x.inCpu)),
        procCpu: median(xs.map((x) => x.procCpu)),
      };
    };
    const f = (x: number) => x.toFixed(0);
    const r = (x: number, base: number) => (x / base).toFixed(2);
    console.log(
      "\n| variant | in wall ms | ×SDK | proc wall ms | ×SDK | in CPU ms | ×SDK | proc CPU ms | ×SDK | bundle bytes |",
    );
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const v of variants) {
      const s = stat(v.name);
      const base = stat(`sdk ${v.mode}${v.bundled ? " (bundle)" : ""}`);
      console.log(
        `| ${v.name} | ${f(s.in)} | ${r(s.in, base.in)} | ${f(s.proc)} | ${r(s.proc, base.proc)} | ${f(s.inCpu)} | ${r(s.inCpu, base.inCpu)} | ${f(s.procCpu)} | ${r(s.procCpu, base.procCpu)} | ${v.bundled ? (v.name.includes("external") ? externalSize : sizes.get(v.client)) : ""} |`,
      );
    }
    // the targets: lean ≤ 0.5× the SDK and below @aws-lite/client, in and proc, wall (and CPU shown)
    console.log("");
    for (const bundled of [false, true]) {
      const tag = bundled ? " (bundle)" : "";
      const lean = stat(`dyno-ts/lean full${tag}`);
      const leanExternal = bundled
        ? stat("dyno-ts/lean full (bundle, @aws-sdk external)")
        : undefined;
      const sdk = stat(`sdk full${tag}`);
      const lite = stat(`aws-lite full${tag}`);
      for (const m of ["in", "proc", "inCpu", "procCpu"] as const) {
        const ok = lean[m] <= 0.5 * sdk[m] && lean[m] < lite[m];
        console.log(
          `target${tag} ${m}: lean ${f(lean[m])} ms = ${r(lean[m], sdk[m])}× SDK, ${r(lean[m], lite[m])}× aws-lite → ${ok ? "met" : "MISSED"}`,
        );
        if (leanExternal)
          console.log(
            `  with @aws-sdk external: lean ${f(leanExternal[m])} ms = ${r(leanExternal[m], sdk[m])}× SDK, ${r(leanExternal[m], lite[m])}× aws-lite`,
          );
      }
    }
  } finally {
    await db.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
