/**
 * The command line's grammar: commands, their flags and the usage text, parsed with Node's own
 * `util.parseArgs`. A bad argument is a {@link UsageError} (exit status 2, with the usage).
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A bad command line: printed with the usage, exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The usage text (`dyno-ts --help`). */
export const USAGE = `Usage: dyno-ts [--endpoint URL] [--region R] [--profile P] <command> [options]

Commands:
  local [--port N] [--engine dynamodb-local|dynalite]      a local DynamoDB until Ctrl-C
  tables                                                   list tables
  scan TABLE [--segments N] [--limit N] [--format F]       items as JSON lines on stdout
  query TABLE --key NAME=VALUE [--key NAME=VALUE] [--index NAME] [--limit N] [--format F]
                                                           items as JSON lines (partition key, optional sort key)
  export TABLE --out FILE.jsonl [--segments N] [--page-size N] [--job ID] [--lease-table T] [--format F]
                                                           a resumable job: Ctrl-C and rerun continues
  import TABLE --in FILE.jsonl [--format F]                batch writes, retried until every item is written
  job status ID [--lease-table T]                          a job's state as JSON

Options:
  --endpoint URL     DynamoDB endpoint (e.g. http://127.0.0.1:8000 for a local one)
  --region R         AWS region (default: the SDK's: AWS_REGION, the profile's region, ...)
  --profile P        a profile of ~/.aws/config and ~/.aws/credentials (default: the SDK's chain)
  --format F         dynamodb: {"Item":{...}} with AttributeValues, lossless, as AWS's S3 exports
                     plain: items as plain JSON, for reading (sets as arrays, binary as base64)
                     default: plain for scan and query, dynamodb for export and import
  --lease-table T    where jobs keep leases and checkpoints (default dyno-ts-jobs; created if missing)
  -h, --help         this help

Exit status: 0 success, 1 failure (one line on stderr), 2 bad arguments.`;

const COMMON = {
  endpoint: { type: "string" },
  region: { type: "string" },
  profile: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const COMMANDS = {
  local: { positionals: 0, options: { port: { type: "string" }, engine: { type: "string" } } },
  tables: { positionals: 0, options: {} },
  scan: {
    positionals: 1,
    options: {
      segments: { type: "string" },
      limit: { type: "string" },
      format: { type: "string" },
    },
  },
  query: {
    positionals: 1,
    options: {
      key: { type: "string", multiple: true },
      index: { type: "string" },
      limit: { type: "string" },
      format: { type: "string" },
    },
  },
  export: {
    positionals: 1,
    options: {
      out: { type: "string" },
      segments: { type: "string" },
      "page-size": { type: "string" },
      job: { type: "string" },
      "lease-table": { type: "string" },
      format: { type: "string" },
    },
  },
  import: { positionals: 1, options: { in: { type: "string" }, format: { type: "string" } } },
  job: { positionals: 2, options: { "lease-table": { type: "string" } } },
} as const;

/** A parsed command line. */
export interface Command {
  readonly name: keyof typeof COMMANDS | "help";
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | string[] | boolean | undefined>>;
}

/**
 * The common options given before the command (`dyno-ts --region R scan T`, as the AWS CLI
 * takes them), and the command line from the command on.
 */
function leadingOptions(argv: readonly string[]): { lead: string[]; rest: readonly string[] } {
  const lead: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith("-")) {
    const arg = argv[i]!;
    const flag = arg.split("=", 1)[0]!;
    if (flag === "-h" || flag === "--help") {
      lead.push(arg);
      i++;
      continue;
    }
    const option = flag.startsWith("--") ? flag.slice(2) : "";
    if (!Object.hasOwn(COMMON, option)) {
      throw new UsageError(
        `${JSON.stringify(arg)} before the command: only ${Object.keys(COMMON)
          .filter((o) => o !== "help")
          .map((o) => `--${o}`)
          .join(", ")} may come before it`,
      );
    }
    if (arg.includes("=")) {
      lead.push(arg);
      i++;
    } else {
      if (i + 1 >= argv.length) throw new UsageError(`${flag}: expected a value`);
      lead.push(arg, argv[i + 1]!);
      i += 2;
    }
  }
  return { lead, rest: argv.slice(i) };
}

/** Parses `argv` (without node and the script); throws {@link UsageError}. */
export function parseCommand(argv: readonly string[]): Command {
  const { lead, rest: fromCommand } = leadingOptions(argv);
  if (lead.some((a) => a === "-h" || a === "--help")) {
    return { name: "help", positionals: [], values: {} };
  }
  const [name, ...rest] = fromCommand;
  if (name === undefined) throw new UsageError("no command given");
  if (name === "-h" || name === "--help" || name === "help") {
    return { name: "help", positionals: [], values: {} };
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  }
  const spec = COMMANDS[name as keyof typeof COMMANDS];
  let parsed;
  try {
    parsed = parseArgs({
      args: [...lead, ...rest],
      options: { ...COMMON, ...spec.options } as ParseArgsConfig["options"],
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${name}: ${(error as Error).message}`);
  }
  if ((parsed.values as { help?: boolean }).help)
    return { name: "help", positionals: [], values: {} };
  if (parsed.positionals.length !== spec.positionals) {
    const what = name === "job" ? "job status ID" : spec.positionals ? `${name} TABLE` : name;
    throw new UsageError(
      `${name}: expected ${what}, got ${parsed.positionals.length ? parsed.positionals.map((p) => JSON.stringify(p)).join(" ") : "no arguments"}`,
    );
  }
  if (name === "job" && parsed.positionals[0] !== "status") {
    throw new UsageError(
      `job: unknown subcommand ${JSON.stringify(parsed.positionals[0])} (expected status)`,
    );
  }
  return {
    name: name as keyof typeof COMMANDS,
    positionals: parsed.positionals,
    values: parsed.values as Record<string, string | string[] | boolean | undefined>,
  };
}

/** A flag holding a whole number in [min, max]; undefined when absent. */
export function intFlag(
  values: Command["values"],
  flag: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${flag}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

/** A string flag; with `required`, a UsageError when absent. */
export function stringFlag(values: Command["values"], flag: string, required: true): string;
export function stringFlag(
  values: Command["values"],
  flag: string,
  required?: false,
): string | undefined;
export function stringFlag(
  values: Command["values"],
  flag: string,
  required = false,
): string | undefined {
  const raw = values[flag];
  if (raw === undefined || raw === "") {
    if (required) throw new UsageError(`--${flag} is required`);
    return undefined;
  }
  return String(raw);
}

/** The item format: `--format plain|dynamodb`. */
export type Format = "plain" | "dynamodb";

/** The `--format` flag, or `fallback`. */
export function formatFlag(values: Command["values"], fallback: Format): Format {
  const raw = values.format;
  if (raw === undefined) return fallback;
  if (raw === "plain" || raw === "dynamodb") return raw;
  throw new UsageError(`--format: expected plain or dynamodb, got ${JSON.stringify(raw)}`);
}
