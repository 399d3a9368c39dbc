/**
 * Which tables an operation reads or writes, for the cache: one canonical name per table
 * however the input names it (a name, a table ARN, an index, stream or backup ARN, a PartiQL
 * statement), and whether the operation can change data or a table's description.
 * @module
 */
import type { OperationName } from "../operation/registry.js";

/** What an operation touches: some tables by canonical name, or possibly any table. */
export type Touched = readonly string[] | "all";

/**
 * The canonical name of a table: `Name` for `Name`, for its ARN
 * `arn:aws:dynamodb:region:account:table/Name`, and for the ARNs below it
 * (`.../table/Name/index/I`, `.../table/Name/stream/...`, `.../table/Name/backup/...`).
 * Tables of the same name in two accounts or regions share it, which can only make the cache
 * forget more than it must, never less.
 */
export function canonicalTable(name: string): string {
  if (!name.startsWith("arn:")) return name;
  const at = name.indexOf(":table/");
  if (at < 0) return name;
  const rest = name.slice(at + ":table/".length);
  const slash = rest.indexOf("/");
  return slash < 0 ? rest : rest.slice(0, slash);
}

/** Read operations of the data plane; everything else that is not a Describe/List/Get call may write. */
const DATA_READS = new Set<string>(["Query", "Scan", "BatchGetItem", "TransactGetItems"]);
/** Operations whose input holds PartiQL statements. */
const PARTIQL = new Set<string>([
  "ExecuteStatement",
  "BatchExecuteStatement",
  "ExecuteTransaction",
]);

/**
 * Whether an operation can change an item or what a read of a table returns (DescribeTable
 * included). Every operation is a write unless it is a known read (`Get*`, `Describe*`,
 * `List*`, Query, Scan, BatchGetItem, TransactGetItems, or PartiQL made only of SELECTs), so a
 * command added to the SDK later is treated as a write.
 */
export function isWrite(operation: OperationName, input: unknown): boolean {
  if (PARTIQL.has(operation)) return statementsOf(input).some((s) => !isSelect(s));
  if (DATA_READS.has(operation)) return false;
  return !/^(Get|Describe|List)[A-Z]/.test(operation);
}

/** Names of tables an input holds (names or ARNs), canonical. */
function namedTables(input: unknown): string[] {
  const value = (input ?? {}) as Record<string, unknown>;
  const names: unknown[] = [
    value.TableName,
    value.TargetTableName, // RestoreTableFromBackup, RestoreTableToPointInTime
    value.SourceTableArn,
    value.TableArn, // ExportTableToPointInTime, ...
    value.ResourceArn, // TagResource, PutResourcePolicy, ...
    value.BackupArn,
    value.GlobalTableName,
    (value.TableCreationParameters as { TableName?: unknown } | undefined)?.TableName, // ImportTable
  ];
  if (value.RequestItems && typeof value.RequestItems === "object")
    names.push(...Object.keys(value.RequestItems));
  if (Array.isArray(value.TransactItems)) {
    for (const item of value.TransactItems as Record<string, { TableName?: unknown }>[]) {
      for (const action of Object.values(item ?? {})) names.push(action?.TableName);
    }
  }
  const tables = new Set<string>();
  for (const name of names) if (typeof name === "string" && name) tables.add(canonicalTable(name));
  return [...tables];
}

/**
 * Every table an input reads or writes, by canonical name; `"all"` when it cannot be told
 * (a PartiQL statement that does not parse, or an input that names no table).
 */
export function tablesOf(operation: OperationName, input: unknown): Touched {
  if (PARTIQL.has(operation)) {
    const tables = new Set<string>();
    for (const statement of statementsOf(input)) {
      const found = statementTables(statement);
      if (found === undefined) return "all";
      for (const t of found) tables.add(canonicalTable(t));
    }
    return tables.size > 0 ? [...tables] : "all";
  }
  const tables = namedTables(input);
  return tables.length > 0 ? tables : "all";
}

/** The PartiQL statements of an ExecuteStatement, BatchExecuteStatement or ExecuteTransaction input. */
function statementsOf(input: unknown): string[] {
  const value = (input ?? {}) as {
    Statement?: unknown;
    Statements?: { Statement?: unknown }[];
    TransactStatements?: { Statement?: unknown }[];
  };
  const all = [value.Statement, ...[...(value.Statements ?? []), ...(value.TransactStatements ?? [])]
    .map((s) => s?.Statement)]; // prettier-ignore
  return all.map((s) => (typeof s === "string" ? s : ""));
}

/** One token of a PartiQL statement: a word, a quoted identifier (unquoted here), or a symbol. */
interface Token {
  text: string;
  quoted: boolean;
}

/** Splits a statement into words, `"identifiers"` and symbols; string literals and comments are skipped. */
function tokenize(statement: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < statement.length) {
    const ch = statement[i];
    if (/\s/.test(ch)) i++;
    else if (ch === "-" && statement[i + 1] === "-") {
      const end = statement.indexOf("\n", i);
      i = end < 0 ? statement.length : end;
    } else if (ch === '"' || ch === "'") {
      let text = "";
      let j = i + 1;
      for (;;) {
        if (j >= statement.length) return undefined; // unterminated: cannot tell
        if (statement[j] === ch) {
          if (statement[j + 1] !== ch) break;
          j++; // a doubled quote stands for one
        }
        text += statement[j++];
      }
      if (ch === '"') tokens.push({ text, quoted: true });
      i = j + 1;
    } else if (/[\w$-]/.test(ch)) {
      let j = i;
      while (j < statement.length && /[\w$-]/.test(statement[j])) j++;
      tokens.push({ text: statement.slice(i, j), quoted: false });
      i = j;
    } else {
      tokens.push({ text: ch, quoted: false });
      i++;
    }
  }
  return tokens;
}

const keyword = (token: Token | undefined, word: string) =>
  token !== undefined && !token.quoted && token.text.toUpperCase() === word;

function isSelect(statement: string): boolean {
  const first = tokenize(statement)?.[0];
  return keyword(first, "SELECT") || keyword(first, "EXISTS");
}

/**
 * The tables a statement names: after `INSERT INTO`, `UPDATE`, `DELETE FROM`, or the first
 * `FROM` of a SELECT (or of the SELECT inside `EXISTS(...)`). `Table."Index"` names the table;
 * a bare dotted name counts as both readings. Undefined when the statement is not understood.
 */
export function statementTables(statement: string): string[] | undefined {
  const tokens = tokenize(statement);
  if (!tokens || tokens.length === 0) return undefined;
  let at: number;
  if (keyword(tokens[0], "INSERT") && keyword(tokens[1], "INTO")) at = 2;
  else if (keyword(tokens[0], "DELETE") && keyword(tokens[1], "FROM")) at = 2;
  else if (keyword(tokens[0], "UPDATE")) at = 1;
  else if (keyword(tokens[0], "SELECT") || keyword(tokens[0], "EXISTS")) {
    at = tokens.findIndex((t) => keyword(t, "FROM")) + 1;
    if (at === 0) return undefined;
  } else return undefined;
  const name = tokens[at];
  if (!name || (!name.quoted && !/^[\w$-]+$/.test(name.text))) return undefined;
  const names = [name.text];
  const dot = tokens[at + 1];
  const next = tokens[at + 2];
  if (!name.quoted && dot?.text === "." && next && !next.quoted)
    names.push(`${name.text}.${next.text}`);
  return names;
}
