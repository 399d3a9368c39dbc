// Encoding with a schema: rename, flatten, JSON, sets, dates, bigints; checked both ways.
import { marshalItem, projectionOf, s, unmarshalItem } from "../src/index.js";

const User = s.object({
  id: s.string(),
  name: s.string().rename("Name"),
  address: s.embed(s.object({ street: s.string(), city: s.string() }), { prefix: "addr_" }),
  settings: s.json<{ theme: string }>(),
  tags: s.stringSet(),
  expiresAt: s.date({ as: "epochSeconds" }),
  visits: s.bigint(),
  secret: s.string().skip(),
});
type User = s.Infer<typeof User>;

const ada: User = {
  id: "u1",
  name: "Ada",
  address: { street: "St James's Square", city: "London" },
  settings: { theme: "dark" },
  tags: new Set(["math"]),
  expiresAt: new Date("2030-01-01T00:00:00Z"),
  visits: 2n ** 60n,
  secret: "never stored",
};
const item = marshalItem(ada, User);
console.log("stored:", JSON.stringify(item));
const back: User = unmarshalItem(item, User);
console.log("read back:", back.address.city, back.visits, back.expiresAt.toISOString());
console.log("projection:", projectionOf(User).join(", "));
try {
  unmarshalItem({ ...item, addr_city: { N: "1" } }, User);
} catch (e) {
  console.log("mismatch:", (e as Error).message);
}
