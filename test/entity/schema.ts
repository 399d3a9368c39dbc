/** The shared table and entities the entity tests use: organisations, users, orders and events. */
import { s, type Dyno } from "../../src/index.js";

export const User = s.object({
  org: s.string(),
  id: s.string(),
  email: s.string(),
  name: s.string().rename("Name"),
  age: s.number().optional(),
  version: s.number().optional(),
  createdAt: s.date().optional(),
  updatedAt: s.date().optional(),
});
export type User = s.Infer<typeof User>;

export const Order = s.object({
  org: s.string(),
  orderId: s.string(),
  total: s.number(),
  placedAt: s.date(),
  expiresAt: s.date({ as: "epochSeconds" }).optional(),
});
export type Order = s.Infer<typeof Order>;

export const Reading = s.object({
  sensor: s.string(),
  value: s.number(),
  big: s.bigint(),
  at: s.date(),
  note: s.string().optional(),
});
export type Reading = s.Infer<typeof Reading>;

/** The shared table with its entities. */
export function define(dyno: Dyno, name: string) {
  const app = dyno.sharedTable(name, {
    partitionKey: "pk",
    sortKey: "sk",
    indexes: { gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" } },
  });
  const Users = app.entity("User", {
    schema: User,
    key: { partitionKey: "ORG#{org}", sortKey: "USER#{id}" },
    indexes: { gsi1: { partitionKey: "EMAIL#{email}", sortKey: "USER" } },
    version: "version",
    timestamps: { createdAt: "createdAt", updatedAt: "updatedAt" },
  });
  const Orders = app.entity("Order", {
    schema: Order,
    key: { partitionKey: "ORG#{org}", sortKey: "ORDER#{placedAt}#{orderId}" },
    ttl: "expiresAt",
  });
  const Readings = app.entity("Reading", {
    schema: Reading,
    key: { partitionKey: "SENSOR#{sensor}", sortKey: "V#{value}" },
    indexes: { gsi1: { partitionKey: "SENSOR#{sensor}", sortKey: "B#{big}#{at}" } },
  });
  return { app, Users, Orders, Readings };
}
