import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalTable, isWrite, statementTables, tablesOf } from "../../src/middleware/tables.js";

test("canonicalTable: a name, a table ARN and the ARNs below it name one table", () => {
  const arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders";
  assert.equal(canonicalTable("Orders"), "Orders");
  assert.equal(canonicalTable(arn), "Orders");
  assert.equal(canonicalTable(`${arn}/index/byCustomer`), "Orders");
  assert.equal(canonicalTable(`${arn}/stream/2024-01-01T00:00:00.000`), "Orders");
  assert.equal(canonicalTable(`${arn}/backup/01700000000000-abcdef`), "Orders");
  assert.equal(
    canonicalTable("arn:aws:dynamodb::123456789012:global-table/G"),
    "arn:aws:dynamodb::123456789012:global-table/G",
  );
});

test("statementTables: the table of INSERT, UPDATE, DELETE, SELECT and EXISTS statements", () => {
  assert.deepEqual(statementTables(`INSERT INTO "Orders" VALUE {'pk': 'a'}`), ["Orders"]);
  assert.deepEqual(statementTables(`update Orders set v = 2 where pk = 'a'`), ["Orders"]);
  assert.deepEqual(statementTables(`DELETE FROM "we""ird.name" WHERE pk = 'a'`), ['we"ird.name']);
  assert.deepEqual(
    statementTables(`SELECT "FROM", x FROM "Orders"."byCustomer" WHERE c = 'FROM "x"'`),
    ["Orders"],
  );
  assert.deepEqual(statementTables(`EXISTS(SELECT * FROM "Stock" WHERE sku = 's')`), ["Stock"]);
  assert.deepEqual(statementTables(`SELECT * FROM my.table`), ["my", "my.table"]);
  assert.equal(statementTables("UPSERT whatever"), undefined);
  assert.equal(statementTables(`UPDATE "unterminated SET v = 1`), undefined);
  assert.equal(statementTables(""), undefined);
});

test("isWrite and tablesOf: unknown commands write, statements are read for their tables", () => {
  assert.equal(isWrite("GetItem", {}), false);
  assert.equal(isWrite("DescribeTable", {}), false);
  assert.equal(isWrite("ListTables", {}), false);
  assert.equal(isWrite("Query", {}), false);
  assert.equal(isWrite("PutItem", {}), true);
  assert.equal(isWrite("TagResource", {}), true);
  assert.equal(isWrite("UpdateContinuousBackups", {}), true);
  assert.equal(isWrite("ExecuteStatement", { Statement: "SELECT * FROM t" }), false);
  assert.equal(isWrite("ExecuteStatement", { Statement: "UPDATE t SET a = 1" }), true);
  assert.equal(
    isWrite("ExecuteTransaction", {
      TransactStatements: [
        { Statement: "EXISTS(SELECT * FROM t)" },
        { Statement: "DELETE FROM u" },
      ],
    }),
    true,
  );
  assert.deepEqual(
    tablesOf("RestoreTableFromBackup", {
      TargetTableName: "New",
      BackupArn: "arn:aws:dynamodb:r:1:table/Old/backup/x",
    }),
    ["New", "Old"],
  );
  assert.deepEqual(tablesOf("ImportTable", { TableCreationParameters: { TableName: "Imp" } }), [
    "Imp",
  ]);
  assert.equal(tablesOf("DeleteBackup", {}), "all");
  assert.equal(
    tablesOf("BatchExecuteStatement", {
      Statements: [{ Statement: "UPDATE a SET x = 1" }, { Statement: "??" }],
    }),
    "all",
  );
});
