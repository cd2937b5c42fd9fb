import { uuidv7 } from "../../src/domain/ids";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix milliseconds in the first 48 bits. */
const timeOf = (id: string) => Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);

function strictlyIncreasing(ids: string[]): boolean {
  return ids.every((id, index) => index === 0 || ids[index - 1]! < id);
}

describe("uuidv7", () => {
  it("is a UUID version 7 with the RFC 9562 variant (version nibble 7, variant bits 10)", () => {
    for (let i = 0; i < 100; i++) {
      const id = uuidv7();
      expect(id).toMatch(UUID_V7);
      const bytes = Buffer.from(id.replaceAll("-", ""), "hex");
      expect(bytes[6]! >> 4).toBe(7);
      expect(bytes[8]! >> 6).toBe(0b10);
    }
  });

  it("carries the current Unix time in milliseconds in its first 48 bits", () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    // The 12-bit counter may carry into the next millisecond after many ids in one millisecond.
    expect(timeOf(id)).toBeLessThanOrEqual(after + 1);
  });

  it("makes 10,000 ids in a tight loop that are unique and strictly increasing as strings", () => {
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) ids.push(uuidv7());
    expect(new Set(ids).size).toBe(10_000);
    expect(strictlyIncreasing(ids)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });

  it("stays strictly increasing when given an earlier time than the last id (clock stepped back)", () => {
    const first = uuidv7();
    const earlier = [uuidv7(Date.now() - 60_000), uuidv7(0), uuidv7(Date.now() - 1)];
    expect(strictlyIncreasing([first, ...earlier])).toBe(true);
    for (const id of earlier) {
      expect(id).toMatch(UUID_V7);
      expect(timeOf(id)).toBeGreaterThanOrEqual(timeOf(first));
    }
  });

  it("stays strictly increasing through a counter overflow: 5,000 ids given the same millisecond", () => {
    const now = Date.now() + 1_000;
    const ids = Array.from({ length: 5_000 }, () => uuidv7(now));
    expect(new Set(ids).size).toBe(5_000);
    expect(strictlyIncreasing(ids)).toBe(true);
    expect(timeOf(ids[0]!)).toBe(now);
    // 4,096 counter values per millisecond: the overflow borrows at most a few milliseconds.
    expect(timeOf(ids.at(-1)!) - now).toBeGreaterThanOrEqual(1);
    expect(timeOf(ids.at(-1)!) - now).toBeLessThanOrEqual(3);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it("uses a later time as given, and ids after it keep increasing", () => {
    const later = Date.now() + 10_000;
    const id = uuidv7(later);
    expect(timeOf(id)).toBe(later);
    const next = uuidv7();
    expect(next > id).toBe(true);
  });
});
