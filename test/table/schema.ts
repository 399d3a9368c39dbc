/** The schemas the Table tests share: renamed, embedded, flattened, dated, set and JSON fields. */
import { s } from "../../src/index.js";

export const Address = s.object({ street: s.string(), city: s.string().rename("City") });

export const User = s.object({
  org: s.string().rename("PK"),
  id: s.string().rename("SK"),
  name: s.string().rename("Name"),
  email: s.string(),
  age: s.number().optional(),
  visits: s.number().optional(),
  address: s.embed(Address, { prefix: "addr_" }),
  extra: s.embed(s.record(s.string()), { prefix: "x_" }).optional(),
  tags: s.stringSet(),
  scores: s.numberSet(),
  settings: s.json<{ theme: string }>().optional(),
  joined: s.date({ as: "epochSeconds" }),
  expiresAt: s.date({ as: "epochSeconds" }).optional(),
  history: s.list(s.object({ at: s.date(), what: s.string() })).optional(),
  profile: s.object({ bio: s.string().rename("Bio"), links: s.list(s.string()) }).optional(),
  meta: s.record(s.number()).optional(),
  nick: s.string().omitEmpty(),
  big: s.bigint().optional(),
});
export type User = s.Infer<typeof User>;

/** A user with every required property. */
export function user(org: string, id: string, extra: Partial<User> = {}): User {
  return {
    org,
    id,
    name: `name ${id}`,
    email: `${id}@${org}.example`,
    address: { street: "1 Main St", city: "London" },
    tags: new Set(["a"]),
    scores: new Set<number>(),
    joined: new Date("2024-01-01T00:00:00Z"),
    nick: "",
    ...extra,
  };
}
