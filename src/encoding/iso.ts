/**
 * `Date` → ISO 8601 as `toISOString()` writes it, computed in JS: `toISOString` was the largest
 * single cost of encoding items with ISO dates (~3× this). Years 0–9999 (four digits) are
 * formatted here; any other time (extended years, `-000001` or `+010000`) is left to
 * `toISOString` itself, so the output is the same string for every valid date.
 * @module
 */

/** 0000-01-01T00:00:00.000Z and 10000-01-01T00:00:00.000Z in ms since the epoch. */
const MIN = -62167219200000;
const MAX = 253402300800000;
const DAY = 86400000;

const D2: string[] = [];
for (let i = 0; i < 100; i++) D2.push(i < 10 ? "0" + i : "" + i);

const { toISOString, getTime } = Date.prototype;

/**
 * The ISO string of a valid `Date` (`t` is its `getTime()`, not NaN): exactly `d.toISOString()`,
 * which is called instead when a subclass or a patch replaced `toISOString` or `getTime`.
 */
export function isoOf(d: Date, t: number): string {
  if (t < MIN || t >= MAX || d.toISOString !== toISOString || d.getTime !== getTime) {
    return d.toISOString();
  }
  // Days since 0000-03-01 → civil date (H. Hinnant's algorithm, 400-year eras).
  const days = Math.floor(t / DAY);
  let ms = t - days * DAY;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(ms / 3600000);
  ms -= h * 3600000;
  const mi = Math.floor(ms / 60000);
  ms -= mi * 60000;
  const s = Math.floor(ms / 1000);
  ms -= s * 1000;
  return (
    (year >= 1000
      ? "" + year
      : year >= 100
        ? "0" + year
        : year >= 10
          ? "00" + year
          : "000" + year) +
    "-" +
    D2[month] +
    "-" +
    D2[day] +
    "T" +
    D2[h] +
    ":" +
    D2[mi] +
    ":" +
    D2[s] +
    "." +
    (ms >= 100 ? "" + ms : ms >= 10 ? "0" + ms : "00" + ms) +
    "Z"
  );
}
